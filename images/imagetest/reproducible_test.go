package imagetest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The image build is reproducible: building again from the same inputs
// (same Debian package versions, sources and SOURCE_DATE_EPOCH) into
// another folder gives byte-identical kernel, initramfs and OS image. The
// second build shares the first's package cache (nothing is downloaded
// again) but assembles everything anew.
func TestBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: rebuilds the installer image (make test runs it)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(root, "images", ".build")
	if _, err := os.Stat(filepath.Join(ref, "inputs.sha256")); err != nil {
		t.Fatalf("no built image in %s: run `make images` first (%v)", ref, err)
	}
	out := t.TempDir()
	start := time.Now()
	cmd := exec.Command("bash", filepath.Join(root, "images", "build.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "RACKSMITH_IMAGES_OUT="+out, "RACKSMITH_IMAGES_CACHE="+filepath.Join(ref, "cache"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("second build: %v\n%s", err, b)
	}
	t.Logf("second build: %.0fs", time.Since(start).Seconds())
	for _, f := range []string{"inputs.sha256", "vmlinuz", "initrd.img", "os/busybox-root.tar.gz", "os/busybox-root.tar.gz.sha256"} {
		a, b := sum(t, filepath.Join(ref, f)), sum(t, filepath.Join(out, f))
		if a != b {
			t.Errorf("%s differs between two builds of the same inputs: %s vs %s", f, a[:16], b[:16])
		} else {
			t.Logf("%s %s", a[:16], f)
		}
	}
}

func sum(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
