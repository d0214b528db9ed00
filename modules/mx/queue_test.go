package mx

import (
	"bufio"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racksmith/racksmith/modules/internal/checktest"
)

// The rendered Postfix, run for real, keeps a message through a mail store
// outage: while the store is unreachable the message is deferred; while
// the store answers with a permanent database error (5.3.0) it is still
// deferred, and no bounce is generated; once the store is back it is
// delivered. Only the paths of the host (queue, data, filter) move into a
// scratch folder, and the network listeners stay off (mail is submitted
// with sendmail).
func TestQueueThroughStoreOutage(t *testing.T) {
	postfix := checktest.Need(t, "postfix", "postfix")
	postqueue := checktest.Need(t, "postqueue", "postfix")
	sendmail := checktest.Need(t, "sendmail", "postfix")
	postconf := checktest.Need(t, "postconf", "postfix")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	storeAddr := netip.MustParseAddrPort(ln.Addr().String())
	ln.Close() // the store is down

	files := Render(topology(t), Options{Store: []netip.AddrPort{storeAddr}})
	root, err := os.MkdirTemp("", "rs-modules-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil { // postfix's daemons drop to the postfix user
		t.Fatal(err)
	}
	rw := strings.NewReplacer(StatusFilterPath, filepath.Join(root, StatusFilterPath))
	for _, f := range files["fra1-mx1"] {
		checktest.Write(t, root, f, rw)
	}
	conf := filepath.Join(root, "etc/postfix")
	for _, d := range []string{"spool", "lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	checktest.Run(t, "chown", "postfix", filepath.Join(root, "lib"))
	checktest.Run(t, postconf, "-c", conf, "-e",
		"queue_directory="+root+"/spool", "data_directory="+root+"/lib",
		"master_service_disable=inet", "maillog_file_prefixes="+root, "maillog_file="+root+"/maillog")
	checktest.Run(t, postconf, "-c", conf, "-F", "*/*/chroot = n")
	checktest.Run(t, postfix, "-c", conf, "start")
	t.Cleanup(func() {
		pid, _ := os.ReadFile(filepath.Join(root, "spool/pid/master.pid"))
		exec.Command(postfix, "-c", conf, "stop").Run()
		waitFor(t, 10*time.Second, "postfix master to exit", func() bool {
			stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
			return err != nil || strings.Contains(string(stat), ") Z ")
		})
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(root, "maillog"))
			t.Logf("maillog:\n%s", log)
		}
	})

	send := exec.Command(sendmail, "-i", "-f", "alice@example.org", "bob@example.net")
	send.Env = append(os.Environ(), "MAIL_CONFIG="+conf)
	send.Stdin = strings.NewReader("From: alice@example.org\nTo: bob@example.net\nSubject: queued-through-outage\n\nhello\n")
	if out, err := send.CombinedOutput(); err != nil {
		t.Fatalf("sendmail: %v\n%s", err, out)
	}
	queue := func() []queued {
		out := checktest.Run(t, postqueue, "-c", conf, "-j")
		var q []queued
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if l == "" {
				continue
			}
			var m queued
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("postqueue -j: %v: %s", err, l)
			}
			q = append(q, m)
		}
		return q
	}
	deferredWith := func(reason string) func() bool {
		return func() bool {
			q := queue()
			return len(q) == 1 && q[0].Queue == "deferred" && len(q[0].Recipients) == 1 && strings.Contains(q[0].Recipients[0].Reason, reason)
		}
	}

	// 1. Store unreachable: deferred.
	waitFor(t, 30*time.Second, "the message deferred while the store is down", deferredWith("Connection refused"))
	id := queue()[0].ID

	// 2. Store up but failing on its database: still deferred, no bounce.
	store := startStore(t, storeAddr.String(), "550 5.3.0 database unavailable")
	checktest.Run(t, postqueue, "-c", conf, "-f")
	waitFor(t, 30*time.Second, "the store's 5.3.0 turned into a deferral", func() bool {
		return store.rcpts() > 0 && deferredWith("database unavailable")()
	})
	if q := queue(); q[0].ID != id {
		t.Fatalf("queue now holds %+v, want only the original %s (no bounce)", q, id)
	}
	store.close()

	// 3. Store healthy: delivered, queue empty.
	store = startStore(t, storeAddr.String(), "")
	checktest.Run(t, postqueue, "-c", conf, "-f")
	waitFor(t, 30*time.Second, "delivery once the store is back", func() bool { return len(queue()) == 0 })
	if d := store.data(); !strings.Contains(d, "Subject: queued-through-outage") {
		t.Fatalf("the store received %q", d)
	}
	store.close()
}

type queued struct {
	Queue      string `json:"queue_name"`
	ID         string `json:"queue_id"`
	Recipients []struct {
		Address string `json:"address"`
		Reason  string `json:"delay_reason"`
	} `json:"recipients"`
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// lmtpStore is a minimal LMTP server standing in for the mail store: it
// answers RCPT with reject (when set) or accepts and records the message.
type lmtpStore struct {
	ln     net.Listener
	reject string
	mu     sync.Mutex
	nrcpt  int
	msgs   strings.Builder
	wg     sync.WaitGroup
}

func startStore(t *testing.T, addr, reject string) *lmtpStore {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &lmtpStore{ln: ln, reject: reject}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *lmtpStore) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	say := func(l string) { c.Write([]byte(l + "\r\n")) }
	say("220 store LMTP")
	accepted := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "LHLO":
			say("250 store")
		case "RCPT":
			s.mu.Lock()
			s.nrcpt++
			s.mu.Unlock()
			if s.reject != "" {
				say(s.reject)
				continue
			}
			accepted++
			say("250 2.1.5 ok")
		case "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs.WriteString(b.String())
			s.mu.Unlock()
			for i := 0; i < accepted; i++ {
				say("250 2.0.0 delivered")
			}
		case "QUIT":
			say("221 bye")
			return
		default: // MAIL, RSET, NOOP
			say("250 2.0.0 ok")
		}
	}
}

func (s *lmtpStore) rcpts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nrcpt
}

func (s *lmtpStore) data() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.msgs.String()
}

func (s *lmtpStore) close() {
	s.ln.Close()
	s.wg.Wait()
}
