package inventory

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A binary file, a file that is not UTF-8, one over MaxFileSize (sparse:
// refused from its size, unread) and a named pipe each get exactly one
// error naming the file; the good file beside them is still loaded.
func TestLoadRefusesFilesThatAreNotText(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.hcl"), []byte("rack \"r1\" {\n  site   = \"fra1\"\n  height = 42\n}\n"))
	bin := make([]byte, 100_000)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range bin {
		bin[i] = byte(rnd.UintN(256))
	}
	bin[10] = 0
	writeFile(t, filepath.Join(dir, "x.hcl"), bin)
	writeFile(t, filepath.Join(dir, "latin1.hcl"), []byte("rack \"r\xe9\" {}\n"))
	big := filepath.Join(dir, "big.hcl")
	writeFile(t, big, nil)
	if err := os.Truncate(big, 200<<20); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.hcl"), 0o644); err != nil {
		t.Fatal(err)
	}

	inv, diags := Load(dir)
	want := map[string]string{
		"x.hcl":      "is not a text HCL file: it holds a NUL byte at offset 10",
		"latin1.hcl": "is not a text HCL file: it holds invalid UTF-8 at offset 7",
		"big.hcl":    "is 209715200 bytes; inventory files are limited to 16 MiB",
		"fifo.hcl":   "a named pipe, not a regular file",
	}
	if len(diags) != len(want) {
		t.Fatalf("%d diagnostics, want %d: %s", len(diags), len(want), diags.Error())
	}
	for _, d := range diags {
		found := false
		for file, text := range want {
			if d.Severity == hcl.DiagError && strings.Contains(d.Detail, filepath.Join(dir, file)) && strings.Contains(d.Detail, text) {
				found = true
				delete(want, file)
			}
		}
		if !found {
			t.Errorf("unexpected diagnostic %s: %s", d.Summary, d.Detail)
		}
	}
	for file, text := range want {
		t.Errorf("no diagnostic on %s saying %q", file, text)
	}
	if len(inv.Racks) != 1 || inv.Racks[0].Name != "r1" {
		t.Errorf("a.hcl not loaded beside the refused files: %d racks", len(inv.Racks))
	}

	// fmt refuses them alike, and LoadSources (registration) the binary one
	_, fdiags, err := FormatDir(dir, false)
	if err != nil || len(fdiags) != 4 {
		t.Errorf("FormatDir: %v, %d diagnostics: %s", err, len(fdiags), fdiags.Error())
	}
	_, sdiags := LoadSources(dir, map[string][]byte{"x.hcl": bin})
	if len(sdiags) != 1 || sdiags[0].Summary != summaryNotText {
		t.Errorf("LoadSources of a binary file: %s", sdiags.Error())
	}
}

// Hidden files (the dangling lock symlink Emacs leaves, .#servers.hcl)
// are not inventory files.
func TestLoadSkipsHiddenFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.hcl"), []byte("rack \"r1\" {\n  site   = \"fra1\"\n  height = 42\n}\n"))
	if err := os.Symlink("root@host.1234:1700000000", filepath.Join(dir, ".#a.hcl")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ".old.hcl"), []byte("not hcl {"))
	writeFile(t, filepath.Join(dir, "a.hcl~"), []byte("not hcl {"))
	inv, diags := Load(dir)
	if len(diags) != 0 || len(inv.Racks) != 1 {
		t.Errorf("%d racks; diagnostics: %s", len(inv.Racks), diags.Error())
	}
	if _, fdiags, err := FormatDir(dir, false); err != nil || len(fdiags) != 0 {
		t.Errorf("FormatDir: %v %s", err, fdiags.Error())
	}
}

// A missing folder, a file given as the folder and a folder without .hcl
// files are told apart.
func TestLoadNoStackDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.hcl")
	writeFile(t, file, []byte("rack \"r1\" {}\n"))
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, summary, detail string }{
		{filepath.Join(dir, "missing"), "No stack directory", filepath.Join(dir, "missing") + ": no such directory"},
		{file, "No stack directory", file + " is a file, not a stack directory"},
		{empty, "No inventory files", empty + " holds no .hcl file"},
	} {
		_, diags := Load(c.dir)
		if len(diags) != 1 || diags[0].Summary != c.summary || !strings.Contains(diags[0].Detail, c.detail) {
			t.Errorf("Load(%s): %s, want %s: %s", c.dir, diags.Error(), c.summary, c.detail)
		}
		if _, _, err := FormatDir(c.dir, false); !errors.Is(err, ErrNoStack) || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("FormatDir(%s): %v", c.dir, err)
		}
	}
}
