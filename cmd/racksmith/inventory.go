package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
)

func init() {
	invCmd := &cobra.Command{
		Use:   "inventory",
		Short: "Validate and format inventory folders",
	}

	var format string
	validate := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Load, validate and analyse an inventory folder; exit 1 on errors",
		Long: "Loads every .hcl file of DIR (default: the current folder), validates it and runs the\n" +
			"placement and power analysis. Diagnostics name file:line and the field, with the source\n" +
			"snippet (the first 50 errors and 20 warnings, then how many more); --format json prints them\n" +
			"all as JSON. Hidden files are skipped; files over 16 MiB or not text are refused.\n" +
			"Exit status 0 when valid, 1 on errors.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInventoryValidate(cmd.OutOrStdout(), cmd.ErrOrStderr(), invDirArg(args), format)
		},
	}
	validate.Flags().StringVar(&format, "format", "text", "output format: text or json")

	var check bool
	fmtCmd := &cobra.Command{
		Use:   "fmt [DIR]",
		Short: "Rewrite inventory files in canonical HCL layout (like terraform fmt)",
		Long:  "Formats every .hcl file of DIR in place and lists the files changed. With --check nothing is\nwritten; exit status 1 when any file needs formatting.",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInventoryFmt(cmd.OutOrStdout(), cmd.ErrOrStderr(), invDirArg(args), check)
		},
	}
	fmtCmd.Flags().BoolVar(&check, "check", false, "only check; exit 1 if any file needs formatting")

	invCmd.AddCommand(validate, fmtCmd)
	rootCmd.AddCommand(invCmd)
}

func invDirArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

// invValidation is the JSON of `inventory validate --format json`.
type invValidation struct {
	Valid        bool                       `json:"valid"`
	ErrorCount   int                        `json:"error_count"`
	WarningCount int                        `json:"warning_count"`
	Diagnostics  []inventory.JSONDiagnostic `json:"diagnostics"`
}

func runInventoryValidate(stdout, stderr io.Writer, dir, format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", format)
	}
	inv, _, _, diags := checkRendered(dir)
	nerr, nwarn := inventory.Counts(diags)
	if format == "json" {
		out := invValidation{Valid: nerr == 0, ErrorCount: nerr, WarningCount: nwarn, Diagnostics: inventory.DiagnosticsJSON(diags)}
		if err := invWriteJSON(stdout, out); err != nil {
			return err
		}
	} else {
		if err := invWriteDiags(stderr, inv, diags); err != nil {
			return err
		}
		if nerr == 0 {
			fmt.Fprintf(stdout, "Success! The inventory in %s is valid: %d servers, %d warnings.\n", dir, len(inv.Servers), nwarn)
		}
	}
	if nerr > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// checkRendered is inventory.Check (load, validate, placement and power
// analysis) followed, when that finds no error, by rendering the roles:
// their own requirements (e.g. a VIP per load-balanced site) are what up
// refuses, so validate and plan refuse them too.
func checkRendered(dir string) (*inventory.Inventory, *inventory.Report, modules.Files, hcl.Diagnostics) {
	inv, rep, diags := inventory.Check(dir)
	if diags.HasErrors() {
		return inv, rep, nil, diags
	}
	files, rdiags := modules.Render(inv)
	return inv, rep, files, append(diags, rdiags...)
}

func runInventoryFmt(stdout, stderr io.Writer, dir string, check bool) error {
	changed, diags, err := inventory.FormatDir(dir, !check)
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		if err := invWriteDiags(stderr, &inventory.Inventory{Files: fmtSourceFiles(diags)}, diags); err != nil {
			return err
		}
		return &exitError{code: 1}
	}
	for _, name := range changed {
		fmt.Fprintln(stdout, name)
	}
	if check && len(changed) > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// invWriteDiags prints diagnostics with their source snippets, literal
// secrets masked and control characters escaped, in file order: the first
// textMaxErrors errors and textMaxWarnings warnings, then a line saying
// how many more there are.
func invWriteDiags(w io.Writer, inv *inventory.Inventory, diags hcl.Diagnostics) error {
	if len(diags) == 0 {
		return nil
	}
	shown, moreErr, moreWarn := boundDiags(diags, textMaxErrors, textMaxWarnings)
	var files map[string]*hcl.File
	if inv != nil {
		files = inventory.RedactedFiles(inv.Files, redactionDiags(diags, shown))
	}
	sw := newSnippetWriter(files)
	esc := &ctrlEscaper{w: w}
	var buf bytes.Buffer
	for _, d := range shown {
		buf.Reset()
		if err := sw.write(&buf, d); err != nil {
			return err
		}
		if _, err := esc.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	if moreErr+moreWarn > 0 {
		if _, err := fmt.Fprintf(esc, "… and %d more errors (%d more warnings); --format json lists them all\n", moreErr, moreWarn); err != nil {
			return err
		}
	}
	return esc.Flush()
}

// fmtSourceFiles reads the files fmt's diagnostics point into, for their
// snippets (FormatDir has refused those too large or not text).
func fmtSourceFiles(diags hcl.Diagnostics) map[string]*hcl.File {
	files := map[string]*hcl.File{}
	tried := map[string]bool{}
	for _, d := range diags {
		if d.Subject == nil || tried[d.Subject.Filename] {
			continue
		}
		name := d.Subject.Filename
		tried[name] = true
		if b, err := os.ReadFile(name); err == nil {
			files[name] = &hcl.File{Bytes: b}
		}
	}
	return files
}

func invWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
