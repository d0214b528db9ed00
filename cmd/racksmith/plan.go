package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
)

// planPreviewer computes what applying a stack would change (the Pulumi
// preview). It must not touch hardware or the boot server. It returns a
// previewSkipped error when it cannot run here (no state, no CLI): plan
// then goes on without it.
type planPreviewer interface {
	Preview(ctx context.Context, stacksDir, stack string) (*planChanges, error)
}

// previewSkipped says why the preview did not run.
type previewSkipped string

func (e previewSkipped) Error() string { return string(e) }

// planChanges summarizes a preview.
type planChanges struct {
	Create  int    `json:"create"`
	Update  int    `json:"update"`
	Replace int    `json:"replace"`
	Delete  int    `json:"delete"`
	Summary string `json:"summary,omitempty"`
}

func (c *planChanges) any() bool {
	return c != nil && c.Create+c.Update+c.Replace+c.Delete > 0
}

// planPreview is the Pulumi preview (up.go); nil checks the inventory only.
var planPreview planPreviewer = pulumiPreview{}

// planOutput is the JSON of `plan --format json`.
type planOutput struct {
	Stack        string                     `json:"stack"`
	Dir          string                     `json:"dir"`
	Valid        bool                       `json:"valid"`
	ErrorCount   int                        `json:"error_count"`
	WarningCount int                        `json:"warning_count"`
	Diagnostics  []inventory.JSONDiagnostic `json:"diagnostics"`
	Report       *inventory.Report          `json:"report"`
	Changes      *planChanges               `json:"changes"` // null without a preview
	// PreviewSkipped says why there is no preview (no state, no CLI, --no-preview).
	PreviewSkipped string `json:"preview_skipped,omitempty"`
	// RoleChanges are the hosts whose role files differ from the stack at
	// RoleBase (a git ref); null with RoleChangesSkipped saying why.
	RoleBase           string               `json:"role_base"`
	RoleChanges        []modules.HostChange `json:"role_changes"`
	RoleChangesSkipped string               `json:"role_changes_skipped,omitempty"`
}

type planFlags struct {
	stack, stacksDir, format, base string
	detailed, noPreview            bool
}

func init() {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan --stack NAME",
		Short: "Dry-run a stack for CI: validate, placement, power, role file changes, Pulumi preview",
		Long: "Loads stacks/NAME, validates it and analyses role placement across sites, racks and PDUs,\n" +
			"the loss of each single PDU, rack and site, and PDU loads. Lists the hosts whose rendered role\n" +
			"files differ from the stack at the git ref --base (default HEAD). When the stack has a Pulumi\n" +
			"state (stacks/NAME/.pulumi) and bin/ holds the Pulumi CLI and provider, adds the Pulumi preview\n" +
			"(servers to create, update, replace, delete); otherwise says why it was skipped.\n" +
			"Touches no BMC and no boot server.\n" +
			"Exit status: 1 on errors (including single points of failure, overloaded PDUs, roles that cannot\n" +
			"be rendered and a failed preview), else 0; with --detailed-exitcode, 2 when the Pulumi preview\n" +
			"reports changes or, when the preview was skipped, when some host's role files change.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	cmd.Flags().StringVar(&f.stack, "stack", "", "stack name: its inventory is STACKS-DIR/NAME (required)")
	cmd.Flags().StringVar(&f.stacksDir, "stacks-dir", "stacks", "folder holding one inventory folder per stack")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&f.detailed, "detailed-exitcode", false, "exit 0 no changes, 1 error, 2 changes")
	cmd.Flags().BoolVar(&f.noPreview, "no-preview", false, "skip the Pulumi preview")
	cmd.Flags().StringVar(&f.base, "base", "HEAD", "git ref whose version of the stack the role files are compared with")
	_ = cmd.MarkFlagRequired("stack")
	rootCmd.AddCommand(cmd)
}

func runPlan(ctx context.Context, stdout, stderr io.Writer, f planFlags) error {
	if f.format != "text" && f.format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", f.format)
	}
	dir := filepath.Join(f.stacksDir, f.stack)
	inv, rep, rendered, diags := checkRendered(dir)
	nerr, nwarn := inventory.Counts(diags)

	if f.base == "" {
		f.base = "HEAD"
	}
	var (
		changes     *planChanges
		skipped     string
		roleChanges []modules.HostChange
		roleSkipped string
	)
	switch {
	case nerr > 0:
		skipped, roleSkipped = "the inventory has errors", "the inventory has errors"
	case f.noPreview:
		skipped = "--no-preview"
	case planPreview == nil:
		skipped = "not in this build"
	default:
		c, err := planPreview.Preview(ctx, f.stacksDir, f.stack)
		var sk previewSkipped
		switch {
		case errors.As(err, &sk):
			skipped = string(sk)
		case err != nil:
			return &exitError{code: 1, err: fmt.Errorf("preview stack %s: %w", f.stack, err)}
		}
		changes = c
	}
	if nerr == 0 {
		var err error
		roleChanges, roleSkipped, err = planRoleChanges(ctx, rendered, dir, f.base)
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("plan --stack %s: %w", f.stack, err)}
		}
		if roleSkipped == "" && roleChanges == nil {
			roleChanges = []modules.HostChange{}
		}
	}

	if f.format == "json" {
		out := planOutput{Stack: f.stack, Dir: dir, Valid: nerr == 0, ErrorCount: nerr, WarningCount: nwarn,
			Diagnostics: inventory.DiagnosticsJSON(diags), Report: rep, Changes: changes, PreviewSkipped: skipped,
			RoleBase: f.base, RoleChanges: roleChanges, RoleChangesSkipped: roleSkipped}
		if err := invWriteJSON(stdout, out); err != nil {
			return err
		}
	} else {
		if err := invWriteDiags(stderr, inv, diags); err != nil {
			return err
		}
		if rep != nil {
			fmt.Fprintf(stdout, "Stack %s (%s): %d sites, %d racks, %d PDUs, %d servers, %d roles.\n\n",
				f.stack, dir, len(inv.Sites), len(inv.Racks), len(inv.PDUs), len(inv.Servers), len(inv.Roles))
			if err := rep.WriteText(stdout); err != nil {
				return err
			}
			fmt.Fprintln(stdout)
		}
		if nerr == 0 {
			writeRoleChanges(stdout, dir, f.base, roleChanges, roleSkipped)
			if skipped != "" {
				fmt.Fprintf(stdout, "Pulumi preview skipped: %s.\n", skipped)
			}
		}
		switch {
		case nerr > 0:
			fmt.Fprintf(stdout, "Plan failed: %d errors, %d warnings.\n", nerr, nwarn)
		case changes != nil:
			fmt.Fprintf(stdout, "Plan (Pulumi preview): %s; %d warnings.\n", changes.Summary, nwarn)
		default:
			fmt.Fprintf(stdout, "Inventory OK: %d warnings.\n", nwarn)
		}
	}
	switch {
	case nerr > 0:
		return &exitError{code: 1}
	case f.detailed && changes.any():
		return &exitError{code: 2}
	case f.detailed && changes == nil && len(roleChanges) > 0:
		// without a preview, changed role files are the changes known: each
		// such host's Server would be updated
		return &exitError{code: 2}
	}
	return nil
}
