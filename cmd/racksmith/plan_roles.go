package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/racksmith/racksmith/internal/gitref"
	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
)

// planRoleChanges compares the role files rendered from inv (the stack
// folder dir as it is now) with those rendered from dir as it is at the
// git ref base, and returns the hosts whose files differ (modules.Diff).
// When the comparison cannot be made (not a git work tree, the stack not
// at base, an inventory that does not render) it returns why instead.
func planRoleChanges(ctx context.Context, inv *inventory.Inventory, dir, base string) ([]modules.HostChange, string) {
	cur, diags := modules.Render(inv)
	if diags.HasErrors() {
		return nil, "the role files do not render: " + firstError(diags.Errs())
	}
	tmp, err := os.MkdirTemp("", "racksmith-plan-base-")
	if err != nil {
		return nil, err.Error()
	}
	defer os.RemoveAll(tmp)
	if err := gitref.Extract(ctx, dir, base, tmp); err != nil {
		return nil, err.Error()
	}
	old, err := rolesLoad(io.Discard, tmp)
	if err != nil {
		return nil, fmt.Sprintf("the stack at %s does not validate or render (racksmith roles render on it shows why)", base)
	}
	return modules.Diff(old, cur), ""
}

func firstError(errs []error) string {
	if len(errs) == 0 {
		return "unknown error"
	}
	first, _, _ := strings.Cut(errs[0].Error(), "\n")
	return first
}

// writeRoleChanges prints plan's "role files that would change" section.
func writeRoleChanges(w io.Writer, dir, base string, changes []modules.HostChange, skipped string) {
	switch {
	case skipped != "":
		fmt.Fprintf(w, "Role file changes not shown: %s.\n", skipped)
	case len(changes) == 0:
		fmt.Fprintf(w, "Role files: no host's files change versus %s at %s.\n", dir, base)
	default:
		fmt.Fprintf(w, "Role files that would change versus %s at %s (+ added, - removed, ~ changed): %d host(s)\n", dir, base, len(changes))
		for _, c := range changes {
			fmt.Fprintf(w, "  %s: %s\n", c.Host, c)
		}
	}
}
