package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
)

func init() {
	rolesCmd := &cobra.Command{
		Use:   "roles",
		Short: "Render the mail service's role configuration files",
	}
	var out string
	render := &cobra.Command{
		Use:   "render [DIR]",
		Short: "Render every host's role files from an inventory folder",
		Long: "Loads and validates the inventory in DIR, renders each role's files per host and lists them\n" +
			"(host, path, mode, sha256). With --out OUT the files are written to OUT/<host>/<path>.\n" +
			"Exit status 1 when the inventory is refused.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRolesRender(cmd.OutOrStdout(), cmd.ErrOrStderr(), invDirArg(args), out)
		},
	}
	render.Flags().StringVar(&out, "out", "", "write the files under this folder")
	diff := &cobra.Command{
		Use:   "diff OLD_DIR NEW_DIR",
		Short: "Show which hosts' role files change between two inventories",
		Long:  "Renders both inventories and lists, per host, the files added (+), removed (-) and changed (~).\nExit status 0 when nothing changes, 2 when something does, 1 on errors.",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRolesDiff(cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], args[1])
		},
	}
	rolesCmd.AddCommand(render, diff)
	rootCmd.AddCommand(rolesCmd)
}

// rolesLoad loads, validates and renders dir, printing diagnostics.
func rolesLoad(stderr io.Writer, dir string) (modules.Files, error) {
	inv, diags := inventory.Load(dir)
	if !diags.HasErrors() {
		diags = append(diags, inventory.Validate(inv)...)
	}
	var files modules.Files
	if !diags.HasErrors() {
		var rdiags = diags[:0:0]
		files, rdiags = modules.Render(inv)
		diags = append(diags, rdiags...)
	}
	if err := invWriteDiags(stderr, inv, diags); err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, &exitError{code: 1}
	}
	return files, nil
}

func runRolesRender(stdout, stderr io.Writer, dir, out string) error {
	files, err := rolesLoad(stderr, dir)
	if err != nil {
		return err
	}
	for _, host := range files.Hosts() {
		for _, f := range files[host] {
			if out != "" {
				p := filepath.Join(out, host, filepath.FromSlash(f.Path))
				if rel, err := filepath.Rel(out, p); err != nil || !filepath.IsLocal(rel) {
					return fmt.Errorf("write role files: %s %s would land outside %s", host, f.Path, out)
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return fmt.Errorf("write role files: %w", err)
				}
				if err := os.WriteFile(p, f.Content, os.FileMode(f.Mode)); err != nil {
					return fmt.Errorf("write role files: %w", err)
				}
			}
			fmt.Fprintf(stdout, "%-20s %-48s %04o %s\n", host, f.Path, f.Mode, f.SHA256())
		}
	}
	return nil
}

func runRolesDiff(stdout, stderr io.Writer, oldDir, newDir string) error {
	old, err := rolesLoad(stderr, oldDir)
	if err != nil {
		return err
	}
	cur, err := rolesLoad(stderr, newDir)
	if err != nil {
		return err
	}
	changes := modules.Diff(old, cur)
	for _, c := range changes {
		fmt.Fprintf(stdout, "%s: %s\n", c.Host, c)
	}
	if len(changes) > 0 {
		fmt.Fprintf(stdout, "%d host(s) change.\n", len(changes))
		return &exitError{code: 2}
	}
	fmt.Fprintln(stdout, "No host's role files change.")
	return nil
}
