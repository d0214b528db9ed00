package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/lab"
)

// labFlags are the flags shared by `racksmith lab …`.
type labFlags struct {
	stack, runDir, namespace string
	files                    string
	noBootServers            bool
	bootServerArgs           []string
	json, purge              bool
	name, site               string
}

func init() {
	var f labFlags
	labCmd := &cobra.Command{
		Use:   "lab",
		Short: "The virtual datacenter: QEMU VMs with ipmi_sim BMCs and boot servers in a network namespace",
	}
	pf := labCmd.PersistentFlags()
	pf.StringVar(&f.stack, "stack", "lab", "stack name (folder stacks/NAME) or path of an inventory folder")
	pf.StringVar(&f.runDir, "run-dir", filepath.Join("lab", ".run"), "runtime directory: pid files, disk images, logs, BMC password")
	pf.StringVar(&f.namespace, "namespace", lab.DefaultNamespace, "network namespace of the lab")

	up := &cobra.Command{
		Use:   "up",
		Short: "Create the namespace, bridges, taps, one BMC per server (VMs off) and each site's boot server",
		Long: `Create the lab of the stack's inventory inside a network namespace:
one bridge per site carrying its boot server's address, the BMC bridge rs-bmc,
one tap per server, one ipmi_sim BMC per server at its inventory address
(VMs start when their BMC powers them on) and 'racksmith pxe serve' per site.

The lab's BMC password is generated into RUN-DIR/bmc-password (0600) and
the boot servers' API token into RUN-DIR/api-token (0600).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLabUp(cmd.Context(), cmd.ErrOrStderr(), f)
		},
	}
	up.Flags().BoolVar(&f.noBootServers, "no-boot-servers", false, "do not start the sites' boot servers")
	up.Flags().StringVar(&f.files, "files", filepath.Join("images", ".build"), "installer files the boot servers serve")
	up.Flags().StringSliceVar(&f.bootServerArgs, "boot-server-arg", nil, "extra argument for every `racksmith pxe serve` (repeatable)")

	down := &cobra.Command{
		Use:   "down",
		Short: "Stop everything the lab started, by pid, and delete its namespace",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLabDown(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	down.Flags().BoolVar(&f.purge, "purge", false, "also delete the run directory: disk images, BMC password, logs")

	status := &cobra.Command{
		Use:   "status",
		Short: "List hosts with their BMC power state, VM and BMC pids, and the boot servers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLabStatus(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	status.Flags().BoolVar(&f.json, "json", false, "print JSON")

	unknown := &cobra.Command{
		Use:   "add-unknown",
		Short: "Rack a VM the inventory does not know (deterministic MAC, two disks) and network-boot it for discovery",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLabAddUnknown(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	unknown.Flags().StringVar(&f.name, "name", "unknown1", "name of the VM (not an inventory name)")
	unknown.Flags().StringVar(&f.site, "site", "fra1", "site whose provisioning network it is plugged into")

	execCmd := &cobra.Command{
		Use:   "exec -- COMMAND [ARG...]",
		Short: "Run a command inside the lab's namespace with the lab's secrets in its environment",
		Long: `Run COMMAND inside the lab's network namespace, where the BMC and boot
server addresses are reachable, with the lab's BMC password in
$LAB_BMC_PASSWORD and the boot servers' API token in
$RACKSMITH_API_TOKEN (never on a command line). For example:

  racksmith lab exec -- bin/racksmith up --stack lab \
      --secret-env racksmith:bmcPassword=LAB_BMC_PASSWORD`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := labExecCommand(cmd.Context(), f, args)
			if err != nil {
				return err
			}
			c.Stdin, c.Stdout, c.Stderr = os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := c.Run(); err != nil {
				if ee, ok := err.(*exec.ExitError); ok {
					return &exitError{code: ee.ExitCode()}
				}
				return err
			}
			return nil
		},
	}

	labCmd.AddCommand(up, down, status, unknown, execCmd)
	rootCmd.AddCommand(labCmd)
}

func labNew(stderr io.Writer, f labFlags, boot *lab.BootServerConfig, level slog.Level) (*lab.Lab, error) {
	runDir, err := filepath.Abs(f.runDir)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return lab.New(lab.Config{Namespace: f.namespace, RunDir: runDir, BootServer: boot}, log), nil
}

func labStackDir(stack string) string {
	if strings.ContainsRune(stack, os.PathSeparator) {
		return stack
	}
	return filepath.Join("stacks", stack)
}

func runLabUp(ctx context.Context, stderr io.Writer, f labFlags) error {
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
	var boot *lab.BootServerConfig
	if !f.noBootServers {
		if boot, err = labBootServer(f); err != nil {
			return err
		}
	}
	l, err := labNew(stderr, f, boot, slog.LevelInfo)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return l.Up(ctx, lay)
}

// labSelf finds the racksmith binary the boot servers run (tests replace it).
var labSelf = os.Executable

// labBootServer runs this very binary's `pxe serve` per site, with its
// state, and one API token for the whole lab, under the run directory.
func labBootServer(f labFlags) (*lab.BootServerConfig, error) {
	self, err := labSelf()
	if err != nil {
		return nil, fmt.Errorf("find racksmith binary for the boot servers: %w", err)
	}
	runDir, err := filepath.Abs(f.runDir)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Abs(f.files)
	if err != nil {
		return nil, err
	}
	return lab.NewBootServerConfig(self, f.stack, runDir, files, f.bootServerArgs), nil
}

func runLabDown(ctx context.Context, stdout, stderr io.Writer, f labFlags) error {
	l, err := labNew(stderr, f, nil, slog.LevelWarn)
	if err != nil {
		return err
	}
	st, err := l.Down(ctx, f.purge)
	for _, p := range st.Processes {
		fmt.Fprintln(stdout, "stopped", p)
	}
	if st.Namespace {
		fmt.Fprintln(stdout, "deleted namespace", l.Namespace())
	}
	return err
}

func runLabStatus(ctx context.Context, stdout, stderr io.Writer, f labFlags) error {
	l, err := labNew(stderr, f, nil, slog.LevelError+1)
	if err != nil {
		return err
	}
	st, err := l.Status(ctx)
	if err != nil {
		return err
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "HOST\tSITE\tMAC\tBMC\tPOWER\tVM PID\tBMC PID\n")
	for _, h := range st.Hosts {
		bmcAddr := h.BMC
		if h.Unknown {
			bmcAddr = "(unknown host)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Name, h.Site, h.MAC, bmcAddr, h.Power, pidText(h.VMPid), pidText(h.BMCPid))
	}
	fmt.Fprintf(tw, "\nBOOT SERVER\tURL\tPID\n")
	for _, b := range st.BootServers {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", b.Site, b.URL, pidText(b.Pid))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, h := range st.Hosts {
		if h.Error != "" {
			fmt.Fprintf(stderr, "%s: %s\n", h.Name, h.Error)
		}
	}
	return nil
}

// labExecCommand is args run inside the lab's namespace with the lab's
// BMC password and API token in the environment.
func labExecCommand(ctx context.Context, f labFlags, args []string) (*exec.Cmd, error) {
	runDir, err := filepath.Abs(f.runDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join("/run/netns", f.namespace)); err != nil {
		return nil, fmt.Errorf("%w: namespace %s (racksmith lab up first)", lab.ErrNotUp, f.namespace)
	}
	env := os.Environ()
	pw, err := lab.Password(runDir)
	if err != nil {
		return nil, err
	}
	env = append(env, "LAB_BMC_PASSWORD="+pw)
	if tok, err := lab.APIToken(runDir); err == nil {
		env = append(env, "RACKSMITH_API_TOKEN="+tok)
	}
	c := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", f.namespace}, args...)...)
	c.Env = env
	return c, nil
}

func pidText(pid int) string {
	if pid == 0 {
		return "-"
	}
	return fmt.Sprint(pid)
}

func runLabAddUnknown(ctx context.Context, stdout, stderr io.Writer, f labFlags) error {
	l, err := labNew(stderr, f, nil, slog.LevelWarn)
	if err != nil {
		return err
	}
	h, err := l.AddUnknown(ctx, f.name, f.site)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "racked %s on %s: MAC %s, disks %s, %s\n", h.Name, h.Bridge, h.MAC, h.Disks[0].Serial, h.Disks[1].Serial)
	return nil
}
