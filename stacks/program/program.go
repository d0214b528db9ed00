// Package program is racksmith's Pulumi program: it loads the stack's
// inventory (config racksmith:inventory, a folder), stops with the
// inventory's diagnostics when it is invalid, renders the role files and
// declares the mail service's role components (racksmith:modules:Mail
// and one racksmith:modules:<Role> per role) and one racksmith:index:Server
// per inventory server, carrying its roles' files. The same
// function runs under `pulumi up` (stacks/main.go) and `racksmith up`
// (the Automation API's inline source, auto.go).
package program

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
	"github.com/racksmith/racksmith/sdk/go/racksmith"
)

// ConfigNamespace is the config namespace of the program's settings.
const ConfigNamespace = "racksmith"

// HostsOutput is the secret stack output holding, per server, its LUKS key
// (luksKey), the role files' sha256 by path (filesDelivered), arrayUuids
// and luksUuid.
const HostsOutput = "hosts"

// Options choose the program's collaborators.
type Options struct {
	// Modules are the roles' inputs beyond the inventory (zero: defaults).
	Modules modules.Options
	// Root is the folder a relative racksmith:inventory is resolved in
	// (the project folder); "" is the nearest folder holding Pulumi.yaml
	// from the working directory up (under pulumi up the program may run in
	// stacks/), else the working directory.
	Root string
}

// Run is the program with the default options.
func Run(ctx *pulumi.Context) error { return New(Options{})(ctx) }

// New returns the program function.
func New(opt Options) pulumi.RunFunc {
	if opt.Root == "" {
		opt.Root = projectRoot()
	}
	return func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, ConfigNamespace)
		dir := cfg.Get("inventory")
		if dir == "" {
			return fmt.Errorf("config racksmith:inventory is not set: `pulumi config set racksmith:inventory stacks/%s`", ctx.Stack())
		}
		if opt.Root != "" && !filepath.IsAbs(dir) {
			dir = filepath.Join(opt.Root, dir)
		}
		inv, diags := inventory.Load(dir)
		if !diags.HasErrors() {
			diags = append(diags, inventory.Validate(inv)...)
		}
		if diags.HasErrors() {
			return fmt.Errorf("inventory %s is invalid:\n%s", dir, Diagnostics(inv, diags))
		}
		files, err := declareRoles(ctx, inv, dir, opt.Modules)
		if err != nil {
			return err
		}
		secrets := &secretResolver{ctx: ctx, cfg: cfg, dir: dir}
		servers := make(pulumi.StringMap, len(inv.Servers))
		hosts := make(pulumi.Map, len(inv.Servers))
		warned := map[string]bool{}
		for _, s := range inv.Servers {
			args, warn, err := serverArgs(inv, s, files[s.Name], secrets, opt.Root)
			if err != nil {
				return err
			}
			if warn != "" && !warned[warn] {
				warned[warn] = true
				_ = ctx.Log.Warn(warn, nil)
			}
			srv, err := racksmith.NewServer(ctx, s.Name, args)
			if err != nil {
				return fmt.Errorf("declare server %s: %w", s.Name, err)
			}
			servers[s.Name] = srv.InstallState
			hosts[s.Name] = pulumi.Map{"luksKey": srv.LuksKey, "filesDelivered": srv.FilesDelivered,
				"arrayUuids": srv.ArrayUuids, "luksUuid": srv.LuksUuid}
		}
		ctx.Export("installState", servers)
		// what `racksmith lab verify` checks the disks against; secret as a
		// whole since it holds each host's LUKS key
		ctx.Export(HostsOutput, pulumi.ToSecret(hosts))
		return nil
	}
}

// maxDiagnostics is how many diagnostics an error of the program shows
// with snippets (`racksmith inventory validate --format json` lists all).
const maxDiagnostics = 20

// Diagnostics renders diagnostics with their source snippets, errors
// first, at most maxDiagnostics of them.
func Diagnostics(inv *inventory.Inventory, diags hcl.Diagnostics) string {
	shown := make(hcl.Diagnostics, 0, len(diags))
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			shown = append(shown, d)
		}
	}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			shown = append(shown, d)
		}
	}
	more := 0
	if len(shown) > maxDiagnostics {
		more, shown = len(shown)-maxDiagnostics, shown[:maxDiagnostics]
	}
	var b strings.Builder
	files := map[string]*hcl.File{}
	if inv != nil && inv.Files != nil {
		// snippets never show a secret (a literal or misspelled password)
		files = inventory.RedactedFiles(inv.Files, shown)
	}
	w := hcl.NewDiagnosticTextWriter(&b, files, 100, false)
	_ = w.WriteDiagnostics(shown)
	if more > 0 {
		fmt.Fprintf(&b, "… and %d more (racksmith inventory validate --format json lists them all)\n", more)
	}
	return strings.TrimRight(b.String(), "\n")
}

// projectRoot is the nearest folder from the working directory up that
// holds Pulumi.yaml, else ".".
func projectRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return "."
		}
	}
}
