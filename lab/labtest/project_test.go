package labtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
)

// A project of two servers of the lab stack (one per site) is a stack the
// program accepts: it validates and its roles render, their replicas and
// per_site lowered to the one server per site kept; comments are kept.
func TestNewProjectTrimsServersAndRoles(t *testing.T) {
	dir := t.TempDir()
	inv, err := NewProject(dir, "e2e", "../../stacks/lab", []string{"fra1-node1", "ams1-node1"})
	if err != nil {
		t.Fatal(err)
	}
	in, diags := inventory.Load(inv)
	if !diags.HasErrors() {
		diags = append(diags, inventory.Validate(in)...)
	}
	if diags.HasErrors() {
		t.Fatalf("trimmed stack does not validate: %s", diags.Error())
	}
	if len(in.Servers) != 2 {
		t.Fatalf("%d servers kept, want 2", len(in.Servers))
	}
	files, diags := modules.Render(in)
	if diags.HasErrors() {
		t.Fatalf("trimmed stack's roles do not render: %s", diags.Error())
	}
	if len(files["fra1-node1"]) == 0 || len(files["ams1-node1"]) == 0 {
		t.Fatalf("hosts without role files: %v", files.Hosts())
	}
	for _, r := range in.Roles {
		if r.PerSite > 1 || r.Replicas > 2 {
			t.Errorf("role %s: replicas %d per_site %d, want at most 2 and 1", r.Name, r.Replicas, r.PerSite)
		}
	}
	b, err := os.ReadFile(filepath.Join(inv, "roles.hcl"))
	if err != nil || !strings.Contains(string(b), "# Lab roles are light") {
		t.Errorf("roles.hcl lost its comments: %v\n%s", err, b)
	}
	for _, f := range []string{"Pulumi.yaml", "stacks/Pulumi.e2e.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
