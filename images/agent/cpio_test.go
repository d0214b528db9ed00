package agent

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGzipNewc unpacks the archive with GNU cpio, as the kernel would.
func TestGzipNewc(t *testing.T) {
	if _, err := exec.LookPath("cpio"); err != nil {
		t.Fatal("cpio missing: install the Debian package cpio (scripts/apt-packages.txt)")
	}
	body := []byte(`{"unlock_token":"t"}`)
	arc, err := gzipNewc([]cpioFile{{Name: "etc", Mode: 0o040755}, {Name: "etc/racksmith", Mode: 0o040755},
		{Name: "etc/racksmith/boot.json", Mode: 0o100600, Data: body}})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := gzipNewc([]cpioFile{{Name: "etc", Mode: 0o040755}, {Name: "etc/racksmith", Mode: 0o040755},
		{Name: "etc/racksmith/boot.json", Mode: 0o100600, Data: body}})
	if !bytes.Equal(arc, again) {
		t.Error("archive is not reproducible")
	}
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", "gzip -dc | cpio -idm --quiet")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(arc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio: %v: %s", err, out)
	}
	p := filepath.Join(dir, "etc/racksmith/boot.json")
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("unpacked %q %v", got, err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}
