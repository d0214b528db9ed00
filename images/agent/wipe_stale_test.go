package agent

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataOffset(t *testing.T) {
	out := "/dev/vda3:\n          Magic : a92b4efc\n        Version : 1.2\n    Data Offset : 2048 sectors\n   Super Offset : 8 sectors\n"
	if got := dataOffset(out); got != 2048*512 {
		t.Errorf("1.2 member: %d", got)
	}
	if got := dataOffset("          Magic : a92b4efc\n        Version : 1.0\n"); got != 0 {
		t.Errorf("no data offset: %d", got)
	}
}

// TestEraseLUKSAt formats a real LUKS2 header (cryptsetup) into an image
// at an md data offset, as on a member left out of its array, and erases
// it: header and keyslots gone (cryptsetup isLuks says no), the data after
// the first segment offset untouched; an area without a header is left alone.
func TestEraseLUKSAt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs cryptsetup")
	}
	if _, err := exec.LookPath("cryptsetup"); err != nil {
		t.Fatal("cryptsetup is missing: install the Debian package cryptsetup-bin (scripts/apt-packages.txt)")
	}
	dir := t.TempDir()
	luks := filepath.Join(dir, "luks.img")
	if err := os.WriteFile(luks, make([]byte, 20<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2",
		"--pbkdf-force-iterations", "1000", "--key-file", "-", luks)
	cmd.Stdin = strings.NewReader("not-a-real-key")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("luksFormat: %v: %s", err, out)
	}
	hdr, _ := os.ReadFile(luks)
	const off = 1 << 20
	member := filepath.Join(dir, "member.img")
	img := make([]byte, off+len(hdr)+(1<<20))
	copy(img[off:], hdr[:16<<20])
	marker := []byte("data after the LUKS2 metadata")
	copy(img[off+16<<20:], marker)
	if err := os.WriteFile(member, img, 0o600); err != nil {
		t.Fatal(err)
	}
	if found, err := eraseLUKSAt(member, 0); err != nil || found {
		t.Fatalf("no header at 0: found %v, %v", found, err)
	}
	found, err := eraseLUKSAt(member, off)
	if err != nil || !found {
		t.Fatalf("header at the data offset: found %v, %v", found, err)
	}
	got, _ := os.ReadFile(member)
	if !bytes.Equal(got[off:off+16<<20], make([]byte, 16<<20)) {
		t.Error("the LUKS2 metadata area is not all zero")
	}
	if !bytes.HasPrefix(got[off+16<<20:], marker) {
		t.Error("data past the first segment was overwritten")
	}
	copyOut := filepath.Join(dir, "after.img")
	os.WriteFile(copyOut, got[off:], 0o600)
	if out, err := exec.Command("cryptsetup", "isLuks", copyOut).CombinedOutput(); err == nil {
		t.Errorf("cryptsetup isLuks still true after the erase: %s", out)
	}
}
