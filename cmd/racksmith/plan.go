package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
)

// planPreviewer computes what applying a stack would change (the Pulumi
// preview). It must not touch hardware or the boot server.
type planPreviewer interface {
	Preview(ctx context.Context, stack string, inv *inventory.Inventory) (*planChanges, error)
}

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

// planPreview is nil until the Pulumi preview is wired in (by setting it
// from another file's init). Without it `plan` checks the inventory only
// and never reports changes, so --detailed-exitcode gives 0 or 1, never 2.
var planPreview planPreviewer

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
}

type planFlags struct {
	stack, stacksDir, format string
	detailed                 bool
}

func init() {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan --stack NAME",
		Short: "Dry-run a stack for CI: load, validate, placement and power analysis",
		Long: "Loads stacks/NAME, validates it and analyses role placement across sites, racks and PDUs,\n" +
			"the loss of each single PDU, rack and site, and PDU loads. Touches no BMC and no boot server.\n" +
			"Exit status: 1 on errors (including single points of failure and overloaded PDUs), else 0;\n" +
			"with --detailed-exitcode, 2 when the preview reports changes (once a preview is wired in).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	cmd.Flags().StringVar(&f.stack, "stack", "", "stack name: its inventory is STACKS-DIR/NAME (required)")
	cmd.Flags().StringVar(&f.stacksDir, "stacks-dir", "stacks", "folder holding one inventory folder per stack")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&f.detailed, "detailed-exitcode", false, "exit 0 no changes, 1 error, 2 changes")
	_ = cmd.MarkFlagRequired("stack")
	rootCmd.AddCommand(cmd)
}

func runPlan(ctx context.Context, stdout, stderr io.Writer, f planFlags) error {
	if f.format != "text" && f.format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", f.format)
	}
	dir := filepath.Join(f.stacksDir, f.stack)
	inv, rep, diags := inventory.Check(dir)
	nerr, nwarn := inventory.Counts(diags)

	var changes *planChanges
	if nerr == 0 && planPreview != nil {
		c, err := planPreview.Preview(ctx, f.stack, inv)
		if err != nil {
			return fmt.Errorf("preview stack %s: %w", f.stack, err)
		}
		changes = c
	}

	if f.format == "json" {
		out := planOutput{Stack: f.stack, Dir: dir, Valid: nerr == 0, ErrorCount: nerr, WarningCount: nwarn,
			Diagnostics: inventory.DiagnosticsJSON(diags), Report: rep, Changes: changes}
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
		switch {
		case nerr > 0:
			fmt.Fprintf(stdout, "Plan failed: %d errors, %d warnings.\n", nerr, nwarn)
		case changes != nil:
			fmt.Fprintf(stdout, "Plan: %d to create, %d to update, %d to replace, %d to delete; %d warnings.\n",
				changes.Create, changes.Update, changes.Replace, changes.Delete, nwarn)
		default:
			fmt.Fprintf(stdout, "Inventory OK: %d warnings. (No infrastructure preview in this build.)\n", nwarn)
		}
	}
	switch {
	case nerr > 0:
		return &exitError{code: 1}
	case f.detailed && changes.any():
		return &exitError{code: 2}
	}
	return nil
}
