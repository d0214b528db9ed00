package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/lab"
)

// `racksmith lab sync` is added to the `lab` command of lab.go, whose
// init runs first (files initialise in name order).
func init() {
	var labCmd *cobra.Command
	for _, c := range rootCmd.Commands() {
		if c.Name() == "lab" {
			labCmd = c
		}
	}
	if labCmd == nil {
		panic("lab_sync.go: no `lab` command to add `sync` to")
	}
	var (
		files    string
		bootArgs []string
	)
	sync := &cobra.Command{
		Use:   "sync",
		Short: "Bring a running lab in line with the inventory: BMCs for new servers, adopt registered unknown hosts",
		Long: `Bring the running lab in line with the stack's inventory, after a server
was registered (racksmith register): a server new to the inventory gets its
tap, disks and BMC; one registered from the discovery report of an unknown
host (lab add-unknown) takes over that VM and its disks (matched by serial),
which its BMC powers from now on. The boot servers restart on their state
so that their DHCP tables hold the new servers. Hosts already in the lab
are left alone: running it again changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f labFlags
			f.stack, _ = cmd.Flags().GetString("stack")
			f.runDir, _ = cmd.Flags().GetString("run-dir")
			f.namespace, _ = cmd.Flags().GetString("namespace")
			f.files, f.bootServerArgs = files, bootArgs
			return runLabSync(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	sync.Flags().StringVar(&files, "files", filepath.Join("images", ".build"), "installer files the boot servers serve")
	sync.Flags().StringSliceVar(&bootArgs, "boot-server-arg", nil, "extra argument for every `racksmith pxe serve` (repeatable)")
	labCmd.AddCommand(sync)
}

func runLabSync(ctx context.Context, stdout, stderr io.Writer, f labFlags) error {
	dir := labStackDir(f.stack)
	inv, diags := inventory.Load(dir)
	if !diags.HasErrors() {
		diags = append(diags, inventory.Validate(inv)...)
	}
	if diags.HasErrors() {
		_ = invWriteDiags(stderr, inv, diags)
		return &exitError{code: 1, err: fmt.Errorf("inventory %s: %d error(s)", dir, len(diags.Errs()))}
	}
	lay, err := lab.Plan(inv, f.namespace, lab.DefaultBMCGateway)
	if err != nil {
		return err
	}
	boot, err := labBootServer(f)
	if err != nil {
		return err
	}
	l, err := labNew(stderr, f, boot, slog.LevelWarn)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := l.Sync(ctx, lay)
	for _, name := range res.Added {
		if from, ok := res.Adopted[name]; ok {
			fmt.Fprintf(stdout, "added %s with a BMC, adopting the VM and disks of %s\n", name, from)
		} else {
			fmt.Fprintf(stdout, "added %s with a BMC\n", name)
		}
	}
	for _, name := range res.Stale {
		fmt.Fprintf(stdout, "left %s running: no longer in the inventory (racksmith lab down stops it)\n", name)
	}
	if res.BootServersRestarted {
		fmt.Fprintln(stdout, "restarted the boot servers")
	}
	if err == nil && len(res.Added) == 0 {
		fmt.Fprintln(stdout, "lab already matches the inventory")
	}
	return err
}
