package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

// Check runs what CI runs on a stack folder: Load, then Validate, then
// Analyze, each only if the previous step found no error. The report is
// nil unless the analysis ran.
func Check(dir string) (*Inventory, *Report, hcl.Diagnostics) {
	inv, diags := Load(dir)
	return checkLoaded(inv, diags)
}

// CheckSources is Check over in-memory file contents (see LoadSources).
func CheckSources(dir string, srcs map[string][]byte) (*Inventory, *Report, hcl.Diagnostics) {
	inv, diags := LoadSources(dir, srcs)
	return checkLoaded(inv, diags)
}

func checkLoaded(inv *Inventory, diags hcl.Diagnostics) (*Inventory, *Report, hcl.Diagnostics) {
	if diags.HasErrors() {
		return inv, nil, diags
	}
	diags = append(diags, Validate(inv)...)
	if diags.HasErrors() {
		return inv, nil, diags
	}
	rep, d := Analyze(inv)
	return inv, rep, append(diags, d...)
}
