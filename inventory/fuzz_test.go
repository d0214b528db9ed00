package inventory

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary text through Load, Validate and Analyze as one
// inventory file: whatever it is, nothing may panic. Seeds are the shipped
// stacks and every broken fixture.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "stacks", "*", "*.hcl"))
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*", "*.hcl"))
	for _, p := range append(seeds, fixtures...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`locals { a = local.a }`))
	f.Add([]byte(`variable "x" { type = number
 default = "y" }`))
	f.Add([]byte(`server "a" { u = 1e300
 height = -5 }`))
	f.Add([]byte(`pdu "p" { amps = 99999999999
 volts = 99999999999 }`))
	f.Add([]byte(`role "r" { replicas = 1 }
server "a" {
  roles = ["r"]
  psu {
    pdu    = "nope"
    outlet = 1
    watts  = 1
  }
}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		inv, diags := LoadSources("fuzz", map[string][]byte{"fuzz/a.hcl": src})
		if inv == nil {
			t.Fatal("nil inventory")
		}
		Validate(inv)
		Analyze(inv)
		RedactedFiles(inv.Files, diags)
		_, _ = Format(src, "a.hcl")
	})
}
