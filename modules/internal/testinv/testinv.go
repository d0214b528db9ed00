// Package testinv loads the repository's stacks (stacks/example, stacks/lab)
// for the role renderers' tests, and finds blocks in them to break.
package testinv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/racksmith/racksmith/inventory"
)

// Load loads stacks/<stack> of the repository, failing the test on any
// error diagnostic.
func Load(t testing.TB, stack string) *inventory.Inventory {
	t.Helper()
	inv, diags := inventory.Load(filepath.Join(Root(t), "stacks", stack))
	if diags.HasErrors() {
		t.Fatalf("load stacks/%s: %s", stack, diags.Error())
	}
	return inv
}

// Root is the repository root: the nearest parent holding go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Server returns the server called name in inv, failing the test when absent.
func Server(t testing.TB, inv *inventory.Inventory, name string) *inventory.Server {
	t.Helper()
	for _, s := range inv.Servers {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no server %q", name)
	return nil
}

// Role returns the role called name in inv, failing the test when absent.
func Role(t testing.TB, inv *inventory.Inventory, name string) *inventory.Role {
	t.Helper()
	for _, r := range inv.Roles {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no role %q", name)
	return nil
}
