package component

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules"
	"github.com/racksmith/racksmith/modules/internal/testinv"
	"github.com/racksmith/racksmith/modules/lb"
	"github.com/racksmith/racksmith/modules/render"
)

// stack runs program through the real Pulumi engine (bin/pulumi, Automation
// API inline source, local file backend in a scratch directory).
func stack(t *testing.T, program pulumi.RunFunc) auto.Stack {
	t.Helper()
	root := testinv.Root(t)
	if _, err := os.Stat(filepath.Join(root, "bin", "pulumi")); err != nil {
		t.Fatalf("bin/pulumi is missing: `make setup` builds the Pulumi CLI (%v)", err)
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, SkipVersionCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := auto.UpsertStackInlineSource(context.Background(), "modules", "racksmith-modules-test", program,
		auto.Pulumi(cmd),
		auto.WorkDir(dir),
		auto.Project(workspace.Project{
			Name:    "racksmith-modules-test",
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + dir},
		}),
		auto.EnvVars(map[string]string{
			"PULUMI_CONFIG_PASSPHRASE":                    "modules-test",
			"PULUMI_HOME":                                 filepath.Join(dir, ".pulumi-home"),
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		}))
	if err != nil {
		t.Fatalf("create stack: %v", err)
	}
	return s
}

// The mail component and its role components go through a real `up`:
// the stack's outputs carry every host's files with the digests the pure
// renderer computes, and a second preview of the same inventory changes
// nothing.
func TestMailComponentUp(t *testing.T) {
	inv := testinv.Load(t, "example")
	want, diags := modules.Render(inv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	program := func(ctx *pulumi.Context) error {
		m, err := NewMail(ctx, "mail", inv, modules.Options{})
		if err != nil {
			return err
		}
		ctx.Export("lb", m.Roles["lb"].Files)
		ctx.Export("monitorHosts", m.Roles["monitor"].Hosts)
		return nil
	}
	s := stack(t, program)
	ctx := context.Background()
	res, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if got := res.Summary.ResourceChanges; got == nil || (*got)["create"] != 2+len(modules.Renderers) {
		t.Errorf("up created %v, want the stack, the Mail component and %d role components", got, len(modules.Renderers))
	}
	lbFiles, _ := res.Outputs["lb"].Value.(map[string]any)
	for _, h := range []string{"fra1-lb1", "ams1-lb2"} {
		var sha string
		for _, f := range want[h] {
			if f.Path == lb.HAProxyPath {
				sha = f.SHA256()
			}
		}
		got := lbFiles[h].(map[string]any)[lb.HAProxyPath].(map[string]any)
		if got["sha256"] != sha || got["mode"] != float64(0o644) {
			t.Errorf("%s haproxy.cfg output %v, want sha256 %s mode 0644", h, got["sha256"], sha)
		}
	}
	if hs, _ := res.Outputs["monitorHosts"].Value.([]any); len(hs) != 4 {
		t.Errorf("monitor component hosts = %v", res.Outputs["monitorHosts"].Value)
	}
	pre, err := s.Preview(ctx)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	for op, n := range pre.ChangeSummary {
		if op != apitype.OpSame && n > 0 {
			t.Errorf("preview of an unchanged inventory wants %d %s", n, op)
		}
	}
}

// A refused inventory fails before anything is registered, with the
// diagnostic's file:line in the error.
func TestMailRefused(t *testing.T) {
	inv := testinv.Load(t, "example")
	delete(inv.Service.VIPs, "ams1")
	_, err := NewMail(nil, "mail", inv, modules.Options{}) // refused before the context is used
	if !errors.Is(err, render.ErrRefused) || !strings.Contains(err.Error(), "roles.hcl:4,") || !strings.Contains(err.Error(), "Missing VIP") {
		t.Fatalf("NewMail = %v, want ErrRefused naming roles.hcl:4", err)
	}
}
