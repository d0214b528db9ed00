package agent

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

// A root that already holds the boot plan is left alone (the usual boot
// writes nothing); a changed content, mode or hostname, or a file to
// remove, makes it lay the plan down, after which it holds it.
func TestOnDiskThenLayDown(t *testing.T) {
	a := &Agent{NewRoot: t.TempDir()}
	bp := &plan.BootPlan{Hostname: "mx1", Files: []plan.File{file("/etc/a.conf", "a1"), file("/etc/b.conf", "b1")}}
	if a.onDisk(bp) != nil {
		t.Fatal("an empty root holds the plan")
	}
	if _, err := a.layDown(bp); err != nil {
		t.Fatal(err)
	}
	d := a.onDisk(bp)
	if d == nil || len(d.FileSums) != 2 || d.FileSums["/etc/a.conf"] != bp.Files[0].SHA256 {
		t.Fatalf("after layDown: %+v", d)
	}
	if err := os.Chmod(filepath.Join(a.NewRoot, "etc/b.conf"), 0o600); err != nil {
		t.Fatal(err)
	}
	if a.onDisk(bp) != nil {
		t.Error("a file with another mode counts as laid down")
	}
	if _, err := a.layDown(bp); err != nil || a.onDisk(bp) == nil {
		t.Fatalf("layDown did not restore the mode: %v", err)
	}
	if a.onDisk(&plan.BootPlan{Hostname: "mx2", Files: bp.Files}) != nil {
		t.Error("another hostname counts as laid down")
	}
	if a.onDisk(&plan.BootPlan{Hostname: "mx1", Files: bp.Files, Remove: []string{"/etc/c.conf"}}) != nil {
		t.Error("a file to remove counts as laid down")
	}
	changed := []plan.File{file("/etc/a.conf", "a2"), bp.Files[1]}
	if a.onDisk(&plan.BootPlan{Hostname: "mx1", Files: changed}) != nil {
		t.Error("changed content counts as laid down")
	}
}
