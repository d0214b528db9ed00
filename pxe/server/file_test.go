package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "pxe.json")
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	f, err := LoadFile(write(`{"stack": "lab", "site": "fra1", "interface": "rs-fra1", "discovery": true, "kernel_args": ["quiet"], "uefi_binary": "snponly.efi"}`))
	if err != nil || f.Site != "fra1" || !f.Discovery || f.KernelArgs[0] != "quiet" || f.UEFIBinary != "snponly.efi" {
		t.Fatalf("%+v %v", f, err)
	}
	for body, want := range map[string]string{
		"{\n \"stack\": \"lab\",\n \"site\": \"fra1\",\n \"discovry\": true\n}": "pxe.json:4: unknown field \"discovry\"",
		"{\n \"stack\": \"lab\",\n \"site\": 7\n}":                              "pxe.json:3: field site: got JSON number, want string",
		"{\n \"stack\": \"lab\",\n \"site\": \"fra1\",,\n}":                     "pxe.json:3: invalid character ','",
		`{"stack": "lab"}`:                 "field site: required",
		`{"stack": "lab", "site": "x"} {}`: "data after",
	} {
		_, err := LoadFile(write(body))
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}
