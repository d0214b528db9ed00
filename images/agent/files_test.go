package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

func file(path, content string) plan.File {
	s := sha256.Sum256([]byte(content))
	return plan.File{Path: path, Mode: 0o640, Content: []byte(content), SHA256: hex.EncodeToString(s[:])}
}

func TestWriteFiles(t *testing.T) {
	a := &Agent{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Target: t.TempDir()}
	sums, err := a.writeFiles([]plan.File{file("/etc/postfix/main.cf", "myhostname = mx1\n")})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(a.Target, "etc/postfix/main.cf")
	if b, _ := os.ReadFile(p); string(b) != "myhostname = mx1\n" {
		t.Fatalf("content %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	if sums["/etc/postfix/main.cf"] != file("/etc/postfix/main.cf", "myhostname = mx1\n").SHA256 {
		t.Errorf("sums %v", sums)
	}
}

func TestWriteFilesRefuses(t *testing.T) {
	a := &Agent{Target: t.TempDir()}
	bad := file("/etc/x", "a")
	bad.SHA256 = file("/etc/x", "b").SHA256
	if _, err := a.writeFiles([]plan.File{bad}); !errors.Is(err, ErrChecksum) {
		t.Errorf("checksum mismatch: %v", err)
	}
	for _, p := range []string{"etc/x", "/etc/../../x", "/"} {
		if _, err := a.writeFiles([]plan.File{file(p, "a")}); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("%q: %v", p, err)
		}
	}
	// a symlinked directory pointing out of the root
	out := t.TempDir()
	if err := os.Symlink(out, filepath.Join(a.Target, "etc")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.writeFiles([]plan.File{file("/etc/passwd", "a")}); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("symlink escape: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "passwd")); err == nil {
		t.Error("a file was written outside the root")
	}
}
