package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/racksmith/racksmith/lab"
)

// RequirePrereqs fails the test, naming what to run or install, unless it
// runs as root with the lab's tools, bin/racksmith, bin/pulumi,
// bin/pulumi-resource-racksmith and the installer image. It returns the
// repository's root.
func RequirePrereqs(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Fatal("labtest: the lab needs root (network namespaces, taps, QEMU): run the tests as root")
	}
	if err := lab.CheckTools(); err != nil {
		t.Fatalf("labtest: %v", err)
	}
	for _, f := range []struct{ path, make string }{
		{"bin/racksmith", "make build"},
		{"bin/pulumi-resource-racksmith", "make build"},
		{"bin/pulumi", "make setup"},
		{"images/.build/vmlinuz", "make images"},
		{"images/.build/initrd.img", "make images"},
	} {
		if _, err := os.Stat(filepath.Join(root, f.path)); err != nil {
			t.Fatalf("labtest: %s is missing: run %s (make test does it first)", f.path, f.make)
		}
	}
	return root
}

// RepoRoot is the nearest folder from the working directory up holding
// go.mod and Pulumi.yaml.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		_, e1 := os.Stat(filepath.Join(d, "go.mod"))
		_, e2 := os.Stat(filepath.Join(d, "Pulumi.yaml"))
		if e1 == nil && e2 == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no folder holding go.mod and Pulumi.yaml above %s", dir)
		}
	}
}
