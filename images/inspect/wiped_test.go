package inspect

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWiped plants each signature in a sparse 64 MiB image where a
// partition's md superblock or LUKS header sits, and checks Wiped finds it
// (and nothing on a clean image, or on a signature off the 4 KiB grid).
func TestWiped(t *testing.T) {
	const size = 64 << 20
	for _, c := range []struct {
		name  string
		at    int64
		magic []byte
		found bool
	}{
		{"clean", 0, nil, false},
		{"md 1.2 superblock", 2<<20 + 4096, mdMagic, true},
		{"md 1.0 superblock at the end", size - 8192, mdMagic, true},
		{"LUKS header after md data offset", 3 << 20, luksMagic, true},
		{"LUKS2 secondary header", 3<<20 + 16384, luks2Magic, true},
		{"magic inside a block", 3<<20 + 100, luksMagic, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "d0.img")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(size); err != nil {
				t.Fatal(err)
			}
			// unrelated data, so the scan walks written blocks too
			if _, err := f.WriteAt(make([]byte, 1<<20), 10<<20); err != nil {
				t.Fatal(err)
			}
			if c.magic != nil {
				if _, err := f.WriteAt(c.magic, c.at); err != nil {
					t.Fatal(err)
				}
			}
			f.Close()
			ok, found, err := Wiped([]string{p})
			if err != nil {
				t.Fatal(err)
			}
			if ok == c.found || (len(found) > 0) != c.found {
				t.Fatalf("wiped=%v found=%v, want a finding: %v", ok, found, c.found)
			}
			if c.found && found[0].Offset != c.at {
				t.Errorf("found at %d, want %d", found[0].Offset, c.at)
			}
		})
	}
}
