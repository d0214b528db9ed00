package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/images/inspect"
	"github.com/racksmith/racksmith/lab"
	"github.com/racksmith/racksmith/stacks/program"
)

// verifyFlags are the flags of `racksmith lab verify` beside the lab's.
type verifyFlags struct {
	dir, bin string
	json     bool
}

// hostVerdict is one host's line of the verify report.
type hostVerdict struct {
	Host   string          `json:"host"`
	Disks  []string        `json:"disks"`
	Report *inspect.Report `json:"report,omitempty"`
	Errors []string        `json:"errors,omitempty"`
}

func init() {
	var f verifyFlags
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check every installed lab host from outside its VM: arrays, LUKS header, key, role files",
		Long: `Check every host the stack installed on its disk files under RUN-DIR/<host>/,
from outside the VM: each md array's members (mdadm --examine: UUID as the
installer reported, level, state), the LUKS2 header (version, cipher, UUID),
that the host's key opens it and a random wrong key does not, and every role
file read from the decrypted root filesystem with the sha256 the installer
reported. The key comes from the stack's secret output "hosts" and is
never printed.

The disk files are only read, never written, so verify runs beside VMs that
booted from their disks: the installer synced and stopped its arrays before
reporting, so the files it wrote are on the images; a guest that has an
array assembled shows it as active rather than clean, which passes. Power
the VMs off first (racksmith destroy, or the BMC) for a quiescent image. Exit status 1 when any check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stack, _ := cmd.Flags().GetString("stack")
			runDir, _ := cmd.Flags().GetString("run-dir")
			ns, _ := cmd.Flags().GetString("namespace")
			return runLabVerify(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), stack, runDir, ns, f)
		},
	}
	verify.Flags().StringVar(&f.dir, "dir", ".", "project folder holding Pulumi.yaml and the stack's state")
	verify.Flags().StringVar(&f.bin, "bin", "", "folder with pulumi and pulumi-resource-racksmith (default DIR/bin)")
	verify.Flags().BoolVar(&f.json, "json", false, "print JSON")
	for _, c := range rootCmd.Commands() {
		if c.Name() == "lab" {
			c.AddCommand(verify)
		}
	}
}

func runLabVerify(ctx context.Context, stdout, stderr io.Writer, stack, runDir, ns string, f verifyFlags) error {
	if strings.ContainsRune(stack, filepath.Separator) {
		return &exitError{code: 2, err: fmt.Errorf("lab verify --stack %s: want a stack name (its project with --dir)", stack)}
	}
	runDir, err := filepath.Abs(runDir)
	if err != nil {
		return err
	}
	l := lab.New(lab.Config{Namespace: ns, RunDir: runDir}, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	lay, err := l.LoadLayout()
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	st := program.Stack{Name: stack, Dir: f.dir, Bin: f.bin, Out: io.Discard}
	hosts, err := st.Hosts(ctx)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	var verdicts []hostVerdict
	failed := 0
	for _, h := range lay.Hosts {
		out, ok := hosts[h.Name]
		if h.Unknown || !ok || out.LUKSKey == "" {
			continue // not installed by this stack
		}
		v := verifyHost(ctx, runDir, h, out)
		if len(v.Errors) > 0 {
			failed++
		}
		verdicts = append(verdicts, v)
	}
	if len(verdicts) == 0 {
		return &exitError{code: 1, err: fmt.Errorf("stack %s has installed none of the lab's hosts", stack)}
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(verdicts); err != nil {
			return err
		}
	} else if err := printVerdicts(stdout, verdicts); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d hosts failed verification", failed, len(verdicts))}
	}
	return nil
}

// verifyHost inspects one host's disks against its stack outputs.
func verifyHost(ctx context.Context, runDir string, h lab.Host, out program.HostOutputs) hostVerdict {
	v := hostVerdict{Host: h.Name}
	for _, d := range h.Disks {
		v.Disks = append(v.Disks, filepath.Join(runDir, h.Name, d.File))
	}
	r, err := inspect.Inspect(ctx, v.Disks, []byte(out.LUKSKey), inspect.Options{Files: out.FilesDelivered})
	if err != nil {
		v.Errors = append(v.Errors, err.Error())
		return v
	}
	v.Report = r
	v.Errors = append(v.Errors, r.Errors...)
	seen := map[string]bool{}
	for _, a := range r.Arrays {
		seen[a.UUID] = true
	}
	names := make([]string, 0, len(out.ArrayUUIDs))
	for n := range out.ArrayUUIDs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if u := mdUUID(out.ArrayUUIDs[n]); !seen[u] {
			v.Errors = append(v.Errors, fmt.Sprintf("array %s (%s), as the installer reported it, is on no disk", n, out.ArrayUUIDs[n]))
		}
	}
	if r.LUKS != nil && out.LUKSUUID != "" && r.LUKS.UUID != out.LUKSUUID {
		v.Errors = append(v.Errors, fmt.Sprintf("LUKS UUID %s on disk, the installer reported %s", r.LUKS.UUID, out.LUKSUUID))
	}
	if len(out.FilesDelivered) == 0 {
		v.Errors = append(v.Errors, "the installer reported no role files")
	}
	return v
}

// mdUUID is an md UUID as mdadm --examine prints it: mdadm --export gives
// 8:8:8:8 hex groups, --examine the same groups, so only case differs.
func mdUUID(s string) string { return strings.ToLower(s) }

func printVerdicts(w io.Writer, vs []hostVerdict) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "HOST\tARRAYS\tLUKS\tKEY\tROLE FILES\tRESULT\n")
	for _, v := range vs {
		arrays, luks, key, files := "-", "-", "-", "-"
		if r := v.Report; r != nil {
			var as []string
			for _, a := range r.Arrays {
				as = append(as, fmt.Sprintf("%s %s %s %d/%d", a.Name, a.Level, a.State, len(a.Members), len(v.Disks)))
			}
			arrays = strings.Join(as, ", ")
			if r.LUKS != nil {
				luks = fmt.Sprintf("v%d %s %s", r.LUKS.Version, r.LUKS.Cipher, r.LUKS.UUID)
			}
			key = fmt.Sprintf("opens=%v wrong-rejected=%v", r.Key.Opens, r.Key.WrongRejected)
			ok := 0
			for _, f := range r.Files {
				if f.OK {
					ok++
				}
			}
			files = fmt.Sprintf("%d/%d sha256 match", ok, len(r.Files))
		}
		result := "ok"
		if len(v.Errors) > 0 {
			result = "FAILED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Host, arrays, luks, key, files, result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, v := range vs {
		for _, e := range v.Errors {
			fmt.Fprintf(w, "%s: %s\n", v.Host, e)
		}
	}
	return nil
}
