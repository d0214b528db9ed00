package inventory

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical HCL layout, as `terraform fmt` writes it.
// Source that does not parse is refused with its diagnostics, untouched.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if d := checkText(filename, src); d != nil {
		return nil, hcl.Diagnostics{d}
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), nil
}

// FormatDir formats the .hcl files of dir that Load reads. With write set
// it rewrites the files that change, atomically; either way it returns the
// names of the files whose layout is not canonical. No file is written if
// any fails to read or parse.
func FormatDir(dir string, write bool) ([]string, hcl.Diagnostics, error) {
	names, err := stackFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	type change struct {
		name string
		out  []byte
	}
	var changes []change
	var diags hcl.Diagnostics
	for _, name := range names {
		src, rd := readStackFile(name)
		if rd != nil {
			diags = append(diags, rd)
			continue
		}
		out, d := Format(src, name)
		diags = append(diags, d...)
		if !d.HasErrors() && !bytes.Equal(src, out) {
			changes = append(changes, change{name, out})
		}
	}
	if diags.HasErrors() {
		return nil, diags, nil
	}
	changed := make([]string, 0, len(changes))
	for _, c := range changes {
		changed = append(changed, c.name)
		if write {
			if err := WriteFileAtomic(c.name, c.out); err != nil {
				return changed, nil, err
			}
		}
	}
	return changed, nil, nil
}

// WriteFileAtomic replaces a file through a temporary file in the same
// folder and a rename, keeping the original's permissions.
func WriteFileAtomic(name string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(name); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
