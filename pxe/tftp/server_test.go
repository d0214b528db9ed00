package tftp

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/racksmith/racksmith/pxe/nstest"
)

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// fixture is a root with a file, a file in a subdirectory, a symlink inside
// the root and one out of it, and a secret beside the root.
func fixture(t *testing.T) (root string, payload []byte) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "root")
	payload = make([]byte, 300_000+123)
	rand.Read(payload)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(root, "undionly.kpxe"), payload, 0o644))
	must(os.WriteFile(filepath.Join(root, "sub", "small.txt"), []byte("hello\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "secret"), []byte("do not serve\n"), 0o600))
	must(os.Symlink("undionly.kpxe", filepath.Join(root, "inside.lnk")))
	must(os.Symlink(filepath.Join(dir, "secret"), filepath.Join(root, "outside.lnk")))
	must(os.Symlink("../../secret", filepath.Join(root, "sub", "up.lnk")))
	return root, payload
}

// serveIn runs the TFTP server on the namespace's bridge address, port 69.
func serveIn(t *testing.T, ns *nstest.NS, s *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		// Per-transfer sockets are opened by the serving goroutine: keep it
		// in the namespace.
		done <- ns.Do(func() error { return s.Serve(ctx, ns.Addr.Addr().String()+":69") })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not stop")
		}
	})
	time.Sleep(50 * time.Millisecond) // let it bind
}

func requireTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is missing: install Debian %s (scripts/apt-packages.txt, `make setup`)", name, pkg)
	}
}

func counter(t *testing.T, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// Real clients over the veth: tftp-hpa and atftp fetch files byte for
// byte (atftp negotiating tsize and blksize); traversal, absolute paths,
// backslashes and symlinks out of the root are refused with a TFTP error.
func TestServeRealClients(t *testing.T) {
	requireTool(t, "tftp", "tftp-hpa")
	requireTool(t, "atftp", "atftp")
	root, payload := fixture(t)
	s, err := NewServer(root, slog.New(slog.NewTextHandler(tWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ns := nstest.New(t, nstest.WithArea("tftp"), nstest.WithPeerAddr(netip.MustParsePrefix("192.0.2.20/24")))
	serveIn(t, ns, s)
	host := ns.Addr.Addr().String()
	out := t.TempDir()

	t.Run("tftp-hpa get", func(t *testing.T) {
		dst := filepath.Join(out, "hpa.bin")
		msg := ns.Peer.Exec(t, "tftp", "-m", "binary", host, "-c", "get", "undionly.kpxe", dst)
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("fetched %d bytes, want %d identical (err %v, client said %q)", len(got), len(payload), err, msg)
		}
	})
	t.Run("atftp tsize blksize", func(t *testing.T) {
		dst := filepath.Join(out, "atftp.bin")
		trace := ns.Peer.Exec(t, "atftp", "--trace", "--option", "tsize 0", "--option", "blksize 1400",
			"-g", "-r", "inside.lnk", "-l", dst, host)
		if !strings.Contains(trace, "received OACK <tsize: 300123, blksize: 1400") {
			t.Errorf("tsize/blksize not answered; atftp trace starts:\n%.600s", trace)
		}
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("fetched %d bytes through an in-root symlink, want %d identical (err %v)", len(got), len(payload), err)
		}
	})
	refused := []string{"../secret", "sub/../../secret", "/etc/passwd", "outside.lnk", "sub/up.lnk", `..\\secret`}
	for _, name := range refused {
		t.Run("refuse "+name, func(t *testing.T) {
			dst := filepath.Join(out, "refused")
			msg := ns.Peer.Exec(t, "tftp", "-m", "binary", host, "-c", "get", name, dst)
			if !strings.Contains(msg, "Error code 1: access violation") {
				t.Errorf("client was not refused: %q", msg)
			}
			if b, _ := os.ReadFile(dst); bytes.Contains(b, []byte("do not serve")) {
				t.Fatalf("secret leaked through %q", name)
			}
			if strings.Contains(msg, filepath.Dir(root)) {
				t.Errorf("error shows a server path: %q", msg)
			}
		})
	}
	t.Run("not found", func(t *testing.T) {
		msg := ns.Peer.Exec(t, "tftp", "-m", "binary", host, "-c", "get", "sub", filepath.Join(out, "nf"))
		if !strings.Contains(msg, "Error code 1: file not found") {
			t.Errorf("directory request: %q", msg)
		}
	})
	t.Run("write refused", func(t *testing.T) {
		src := filepath.Join(out, "up.txt")
		os.WriteFile(src, []byte("x"), 0o644)
		msg := ns.Peer.Exec(t, "tftp", "-m", "binary", host, "-c", "put", src, "new.txt")
		if !strings.Contains(msg, "read-only") {
			t.Errorf("write not refused: %q", msg)
		}
		if _, err := os.Stat(filepath.Join(root, "new.txt")); err == nil {
			t.Fatalf("write request created a file")
		}
	})
	t.Run("malformed requests", func(t *testing.T) {
		for _, pkt := range [][]byte{{0, 1, 'a'}, {0, 9, 1, 2}, {0}, {0, 4, 0, 1}} {
			ns.Peer.Run(t, func() {
				c, err := net.Dial("udp4", host+":69")
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.Write(pkt)
			})
		}
		deadline := time.Now().Add(3 * time.Second)
		for counter(t, s.Metrics().Transfers.WithLabelValues("bad_request")) < 4 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if got := counter(t, s.Metrics().Transfers.WithLabelValues("bad_request")); got != 4 {
			t.Errorf("bad requests counted: %v, want 4", got)
		}
		// Still serving.
		msg := ns.Peer.Exec(t, "tftp", "-m", "binary", host, "-c", "get", "sub/small.txt", filepath.Join(out, "small"))
		if b, _ := os.ReadFile(filepath.Join(out, "small")); string(b) != "hello\n" {
			t.Errorf("server stopped serving after bad packets: %q", msg)
		}
	})
	if got := counter(t, s.Metrics().Transfers.WithLabelValues("refused")); got != float64(len(refused)+1) {
		t.Errorf("refused counted: %v, want %d", got, len(refused)+1)
	}
	if got := counter(t, s.Metrics().Bytes); got < float64(2*len(payload)) {
		t.Errorf("bytes counted: %v", got)
	}
}

// Debian's /usr/lib/ipxe/ipxe.efi links to /boot/ipxe.efi, out of the root:
// refused by default, served once pinned by the operator.
func TestDebianIPXEPinned(t *testing.T) {
	if _, err := os.Stat(filepath.Join(DefaultRoot, "undionly.kpxe")); err != nil {
		t.Fatalf("Debian ipxe package missing (%v): install ipxe (scripts/apt-packages.txt)", err)
	}
	s, err := NewServer("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if f, err := s.open("undionly.kpxe"); err != nil {
		t.Errorf("undionly.kpxe: %v", err)
	} else {
		f.Close()
	}
	if target, _ := os.Readlink(filepath.Join(DefaultRoot, "ipxe.efi")); filepath.IsAbs(target) {
		if f, err := s.open("ipxe.efi"); err == nil {
			f.Close()
			t.Errorf("ipxe.efi links to %s, out of the root, and was served", target)
		}
	}
	pinned, err := NewServer("", nil, WithFile("ipxe.efi", filepath.Join(DefaultRoot, "ipxe.efi")))
	if err != nil {
		t.Fatal(err)
	}
	defer pinned.Close()
	f, err := pinned.open("ipxe.efi")
	if err != nil {
		t.Fatalf("pinned ipxe.efi: %v", err)
	}
	f.Close()
	if _, err := NewServer("", nil, WithFile("../x", "/etc/passwd")); err == nil {
		t.Errorf("unsafe pinned name accepted")
	}
}
