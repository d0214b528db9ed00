package vmtest

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// TestRecoveryKeyslot installs a RAID1 VM whose plan asks for a recovery
// keyslot: from outside, the install key and the recovery passphrase both
// open the LUKS2 header and a wrong passphrase does not; the boot server's
// state file never holds the recovery passphrase in plain text.
func TestRecoveryKeyslot(t *testing.T) {
	l := newLab(t)
	v := l.newVM("db1", "52:54:00:1a:00:21", 2, 512)
	p := labPlan(t, l, v, 1)
	p.Encryption.Recovery = true
	key, recovery := randomKey(t), randomKey(t)
	stateFile := filepath.Join(l.dir, "state.db")
	in := plan.Intent{Mode: plan.ModeInstall, Plan: p, Key: key, RecoveryKey: recovery}
	if _, err := l.st.PutIntent(v.mac, in, false); err != nil {
		t.Fatal(err)
	}
	notInFile(t, stateFile, recovery, "the boot server's state file, before the install")
	res := installIntent(t, l, v, in)
	hdr := checkInstalled(t, l, v, p, key, res, 1)
	checkPassphrases(t, hdr, map[string]bool{key: true, recovery: true, randomKey(t): false})
	notInFile(t, stateFile, recovery, "the boot server's state file, after the install")
	if strings.Contains(l.logs.String(), recovery) {
		t.Errorf("the boot server's log holds the recovery passphrase")
	}
}

// TestTangUnlock installs a RAID1 VM with key source tang against two real
// Tang servers (tangd, one per connection) in the test namespace: a wrong
// thumbprint fails the bind, the right ones bind; it checks the Clevis token
// from outside, boots it from its disks (the boot server's
// unlock endpoint is not asked), then stops the Tang servers: the next boot
// cannot unlock, says so on the console and powers off.
func TestTangUnlock(t *testing.T) {
	l := newLab(t)
	tang1 := startTang(t, l, "192.0.2.1:7500")
	tang2 := startTang(t, l, "192.0.2.1:7501")
	v := l.newVM("db2", "52:54:00:1a:00:22", 2, 512)
	p := labPlan(t, l, v, 1)
	p.Encryption.KeySource = "tang"
	p.Encryption.Tang = []string{"http://192.0.2.1:7500", "http://192.0.2.1:7501"}
	key := randomKey(t)

	// a thumbprint that is not the server's signing key: clevis gets no
	// advertisement signed by it and refuses to bind
	p.Encryption.TangThumbprints = []string{tang1.thp, "BUdhdFcpfIJbTwYf7F3V4GuR7Ja3jLwxXKsmv5kN0Ak"}
	if _, err := l.st.PutIntent(v.mac, plan.Intent{Mode: plan.ModeInstall, Plan: p, Key: key}, false); err != nil {
		t.Fatal(err)
	}
	serial, _ := l.boot(v, false, 240*time.Second, func(s plan.Status) bool { return s.State == plan.StateFailed })
	if st := l.status(v.mac); st.State != plan.StateFailed || st.Result == nil || st.Result.Stage != plan.StageLUKS ||
		!strings.Contains(st.Result.Output, "advertisement") {
		t.Fatalf("install with a wrong Tang thumbprint: state %s result %+v\nserial:\n%s", st.State, st.Result, tail(serial, 6000))
	}

	// both thumbprints right: no trust on first use (no -y)
	p.Encryption.TangThumbprints = []string{tang1.thp, tang2.thp}
	res := installIntent(t, l, v, plan.Intent{Mode: plan.ModeInstall, Plan: p, Key: key})
	hdr := checkInstalled(t, l, v, p, key, res, 1)
	dump, err := luksDump(t, hdr)
	if err != nil || !strings.Contains(dump, "clevis") {
		t.Fatalf("luksDump shows no clevis token: %v\n%s", err, dump)
	}
	if out, err := runCmd("cryptsetup", "token", "export", "--token-id", "0", hdr); err != nil ||
		!strings.Contains(out, `"type":"clevis"`) || !strings.Contains(out, `"jwe"`) {
		t.Errorf("token 0 is not a clevis JWE: %v %.200s", err, out)
	}

	before := tang1.conns() + tang2.conns()
	serial, at := l.boot(v, true, 180*time.Second, func(s plan.Status) bool { return s.State == plan.StateBooted })
	if !strings.Contains(serial, "booted from disk") || l.status(v.mac).State != plan.StateBooted {
		t.Fatalf("boot from disk with tang: state %s\nserial:\n%s", l.status(v.mac).State, tail(serial, 8000))
	}
	if tang1.conns()+tang2.conns() == before {
		t.Errorf("the boot asked no Tang server")
	}
	if strings.Contains(l.logs.String(), "/api/v1/agent/unlock") {
		t.Errorf("the boot server's unlock endpoint was asked at a tang boot")
	}
	t.Logf("%s: power-on (-boot c) -> unlocked by tang and booted %.1fs", v.name, at.Seconds())

	tang1.stop()
	tang2.stop()
	serial, _ = l.boot(v, true, 180*time.Second, nil)
	if strings.Contains(serial, "booted from disk") || !strings.Contains(serial, "boot from disk failed") ||
		!strings.Contains(serial, "unlock with tang") {
		t.Fatalf("a boot without Tang servers must fail to unlock and power off\nserial:\n%s", tail(serial, 8000))
	}
	if strings.Contains(l.logs.String(), "/api/v1/agent/unlock") {
		t.Errorf("the boot server's unlock endpoint was asked when Tang was down")
	}
	if n := strings.Count(strings.Join(eventsOf(l.status(v.mac)), "\n"), plan.StageBooted); n != 1 {
		t.Errorf("%d booted events, want the one of the first boot", n)
	}
}

func eventsOf(st plan.Status) []string {
	var out []string
	for _, e := range st.Events {
		out = append(out, e.Stage)
	}
	return out
}

// checkPassphrases tries each passphrase on the LUKS2 header copy hdr:
// want[p] says whether it must open it.
func checkPassphrases(t *testing.T, hdr string, want map[string]bool) {
	t.Helper()
	dir := t.TempDir()
	i := 0
	for pass, opens := range want {
		i++
		f := writeKeyFile(t, dir, "pass"+string(rune('a'+i)), []byte(pass))
		out, err := runCmd("cryptsetup", "open", "--test-passphrase", "--key-file", f, hdr)
		if opens && err != nil {
			t.Errorf("passphrase %d does not open the LUKS header: %v: %s", i, err, out)
		}
		if !opens && err == nil {
			t.Errorf("passphrase %d (wrong) opens the LUKS header", i)
		}
	}
}

func notInFile(t *testing.T, path, secret, what string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(secret)) {
		t.Errorf("%s holds the recovery passphrase in plain text", what)
	}
}

// tangServer is Debian's tangd behind a TCP accept loop in the test
// namespace, one tangd per connection (as systemd's tangd.socket runs it).
type tangServer struct {
	thp  string // the signing key's thumbprint (its file name in the key directory)
	ln   net.Listener
	mu   sync.Mutex
	n    int
	wg   sync.WaitGroup
	once sync.Once
}

func startTang(t *testing.T, l *lab, addr string) *tangServer {
	t.Helper()
	for _, p := range []string{"/usr/libexec/tangd", "/usr/libexec/tangd-keygen"} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: install the Debian package tang (scripts/apt-packages.txt)", p)
		}
	}
	db := t.TempDir()
	if out, err := exec.Command("/usr/libexec/tangd-keygen", db).CombinedOutput(); err != nil {
		t.Fatalf("tangd-keygen: %v: %s", err, out)
	}
	s := &tangServer{thp: signingThumbprint(t, db)}
	l.ns.Run(t, func() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		s.ln = ln
	})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.n++
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				f, err := c.(*net.TCPConn).File()
				if err != nil {
					return
				}
				defer f.Close()
				cmd := exec.Command("/usr/libexec/tangd", db)
				cmd.Stdin, cmd.Stdout = f, f
				cmd.WaitDelay = 10 * time.Second
				_ = cmd.Run()
			}()
		}
	}()
	t.Cleanup(s.stop)
	return s
}

// signingThumbprint is the thumbprint of the ES512 signing key that
// tangd-keygen wrote into db (files are named by their thumbprint).
func signingThumbprint(t *testing.T, db string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(db, "*.jwk"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var k struct {
			Alg string `json:"alg"`
		}
		if json.Unmarshal(b, &k) == nil && k.Alg == "ES512" {
			return strings.TrimSuffix(filepath.Base(f), ".jwk")
		}
	}
	t.Fatalf("no ES512 signing key in %s: %v", db, files)
	return ""
}

func (s *tangServer) conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// stop closes the listener and waits for the connections being served.
func (s *tangServer) stop() {
	s.once.Do(func() {
		s.ln.Close()
		s.wg.Wait()
	})
}
