package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/racksmith/racksmith/internal/gitref"
	"github.com/racksmith/racksmith/modules"
)

// planRoleChanges compares the role files cur rendered from the stack
// folder dir as it is now with those rendered from dir as it is at the
// git ref base, and returns the hosts whose files differ (modules.Diff).
// When the comparison cannot be made (not a git work tree, the stack not
// at base or not rendering there) it returns why instead; a base that
// names no commit is an error (a mistyped CI target branch must not hide
// every change).
func planRoleChanges(ctx context.Context, cur modules.Files, dir, base string) ([]modules.HostChange, string, error) {
	tmp, err := os.MkdirTemp("", "racksmith-plan-base-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(tmp)
	if err := gitref.Extract(ctx, dir, base, tmp); errors.Is(err, gitref.ErrUnknownRef) {
		return nil, "", fmt.Errorf("--base %s: %w", base, err)
	} else if err != nil {
		return nil, err.Error(), nil
	}
	old, err := rolesLoad(io.Discard, tmp)
	if err != nil {
		return nil, fmt.Sprintf("the stack at %s does not validate or render (racksmith roles render on it shows why)", base), nil
	}
	return modules.Diff(old, cur), "", nil
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
