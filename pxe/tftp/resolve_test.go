package tftp

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	ok := map[string]string{
		"undionly.kpxe":        "undionly.kpxe",
		"qemu/efi-e1000.rom":   "qemu/efi-e1000.rom",
		"qemu//./efi-virtio":   "qemu/efi-virtio",
		"a/b/":                 "a/b",
		"file..name":           "file..name",
		"..hidden":             "..hidden",
		"pxelinux.cfg/default": "pxelinux.cfg/default",
	}
	for in, want := range ok {
		got, err := Resolve(in)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	refused := []string{
		"", "/etc/passwd", "../etc/passwd", "a/../../b", "a/..", "..", ".", "./",
		`..\..\windows`, `boot\bcd`, "a\x00b", "x\x01y", "a\x7f", strings.Repeat("a", 256),
	}
	for _, in := range refused {
		if got, err := Resolve(in); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("Resolve(%q) = %q, %v; want ErrUnsafePath", in, got, err)
		}
	}
}

// FuzzResolve: whatever the name, an accepted path is relative, clean and
// stays under the root when joined to it.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"undionly.kpxe", "../x", "a/../../b", `a\b`, "/abs", "a\x00", "qemu/./x", "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := Resolve(name)
		if err != nil {
			if !errors.Is(err, ErrUnsafePath) {
				t.Fatalf("error %v is not ErrUnsafePath", err)
			}
			return
		}
		if filepath.IsAbs(got) || strings.ContainsAny(got, "\x00\\") || got != filepath.Clean(got) {
			t.Fatalf("Resolve(%q) = %q: not a clean relative path", name, got)
		}
		root := "/srv/tftp"
		if j := filepath.Join(root, got); !strings.HasPrefix(j, root+"/") {
			t.Fatalf("Resolve(%q) = %q escapes the root: %s", name, got, j)
		}
	})
}
