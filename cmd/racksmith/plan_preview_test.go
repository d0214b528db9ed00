package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules"
	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/stacks/program"
)

// planProject copies the example stack into a fresh project folder (its
// own Pulumi.yaml and stack settings) committed to a new git repository,
// as a CI checkout would be. It returns the project folder.
func planProject(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("plan compares role files with git HEAD: git is needed: %v", err)
	}
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "stacks", "example"), os.DirFS("../../stacks/example")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Pulumi.yaml", "stacks/Pulumi.example.yaml"} {
		b, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "Pulumi.yaml", "stacks"},
		{"-c", "user.name=racksmith test", "-c", "user.email=test@racksmith.invalid", "commit", "-q", "-m", "example"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return root
}

// runPlanJSON runs `racksmith plan --stack example --format json
// --detailed-exitcode` on the project and returns its exit code and output.
func runPlanJSON(t *testing.T, root string, noPreview bool) (int, planOutput, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runPlan(context.Background(), &out, &errOut, planFlags{stack: "example", stacksDir: filepath.Join(root, "stacks"),
		format: "json", detailed: true, noPreview: noPreview})
	var got planOutput
	if jerr := json.Unmarshal(out.Bytes(), &got); jerr != nil {
		t.Fatalf("plan (%v) output is not JSON: %v\n%s\nstderr:\n%s", err, jerr, out.String(), errOut.String())
	}
	return planExitCode(err), got, errOut.String()
}

// In CI there is no Pulumi state: plan says the preview was skipped and
// why, exits 0 with --detailed-exitcode on an unchanged stack and creates
// no state. After an inventory edit that turns a spare into a web server
// it lists exactly the hosts whose role files change versus git HEAD: the
// new web server (nginx.conf added), the load balancers (haproxy backends)
// and the monitors (scrape targets), and --detailed-exitcode gives 2.
func TestPlanRoleChangesWithoutState(t *testing.T) {
	root := planProject(t)
	code, got, stderr := runPlanJSON(t, root, false)
	if code != 0 {
		t.Fatalf("plan exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if got.Changes != nil || !strings.Contains(got.PreviewSkipped, "no Pulumi state") {
		t.Errorf("changes=%v preview_skipped=%q, want no changes and the preview skipped for lack of state", got.Changes, got.PreviewSkipped)
	}
	if got.RoleChanges == nil || len(got.RoleChanges) != 0 || got.RoleChangesSkipped != "" {
		t.Errorf("unedited stack: role_changes=%v skipped=%q, want none", got.RoleChanges, got.RoleChangesSkipped)
	}
	if _, err := os.Stat(filepath.Join(root, "stacks", "example", ".pulumi")); err == nil {
		t.Errorf("plan created stacks/example/.pulumi")
	}

	path := filepath.Join(root, "stacks", "example", "servers-fra1.hcl")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(src, []byte(`server "fra1-spare3" {`))
	j := bytes.Index(src[i:], []byte("roles   = []"))
	if i < 0 || j < 0 {
		t.Fatal(`stacks/example/servers-fra1.hcl: server "fra1-spare3" with roles = [] not found`)
	}
	edited := append(append(append([]byte{}, src[:i+j]...), `roles   = ["web"]`...), src[i+j+len("roles   = []"):]...)
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}

	code, got, stderr = runPlanJSON(t, root, false)
	if code != 2 {
		t.Fatalf("plan --detailed-exitcode after the edit: exit %d, want 2 (role files change, no preview); stderr:\n%s", code, stderr)
	}
	var hosts []string
	for _, c := range got.RoleChanges {
		hosts = append(hosts, c.Host)
	}
	want := []string{"ams1-lb1", "ams1-lb2", "ams1-monitor1", "ams1-monitor2",
		"fra1-lb1", "fra1-lb2", "fra1-monitor1", "fra1-monitor2", "fra1-spare3"}
	if !reflect.DeepEqual(hosts, want) {
		t.Errorf("hosts whose role files change = %v, want %v (skipped: %q)", hosts, want, got.RoleChangesSkipped)
	}
	for _, c := range got.RoleChanges {
		switch {
		case c.Host == "fra1-spare3" && !reflect.DeepEqual(c, modules.HostChange{Host: c.Host, Added: []string{"/etc/nginx/nginx.conf"}}):
			t.Errorf("fra1-spare3: %+v, want nginx.conf added", c)
		case strings.Contains(c.Host, "-lb") && !reflect.DeepEqual(c.Changed, []string{"/etc/haproxy/haproxy.cfg"}):
			t.Errorf("%s: %+v, want haproxy.cfg changed", c.Host, c)
		}
	}

	var out, errOut bytes.Buffer
	if err := runPlan(context.Background(), &out, &errOut, planFlags{stack: "example", stacksDir: filepath.Join(root, "stacks"), format: "text"}); err != nil {
		t.Fatalf("plan (text): %v\n%s", err, errOut.String())
	}
	for _, line := range []string{
		"Role files that would change versus " + filepath.Join(root, "stacks", "example") + " at HEAD (+ added, - removed, ~ changed): 9 host(s)\n",
		"  fra1-spare3: +/etc/nginx/nginx.conf\n",
		"  fra1-lb1: ~/etc/haproxy/haproxy.cfg\n",
		"Pulumi preview skipped: stack example has no Pulumi state in ",
		"Inventory OK: 2 warnings.\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("plan text lacks %q:\n%s", line, out.String())
		}
	}
}

// With a Pulumi state and the CLI in bin/, plan adds the real engine's
// preview: every server of the example fleet (whose BMCs and boot servers
// do not exist, so the preview contacted none) is to be created, and
// --detailed-exitcode gives 2; --no-preview skips it and gives 0.
func TestPlanPulumiPreview(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the Pulumi engine and provider from bin/ (make setup build)")
	}
	bin, err := filepath.Abs("../../bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, exe := range []string{"pulumi", "pulumi-resource-racksmith"} {
		if _, err := os.Stat(filepath.Join(bin, exe)); err != nil {
			t.Fatalf("%s is missing from %s: run make setup build first (%v)", exe, bin, err)
		}
	}
	root := planProject(t)
	if err := os.Symlink(bin, filepath.Join(root, "bin")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_HOME", filepath.Join(root, ".pulumi-home"))
	// A state as the first racksmith refresh leaves it: the stack, no server.
	var progress bytes.Buffer
	if _, err := (program.Stack{Name: "example", Dir: root, Out: &progress}).Refresh(context.Background()); err != nil {
		t.Fatalf("create the stack's state with a refresh: %v\n%s", err, progress.String())
	}

	code, got, stderr := runPlanJSON(t, root, false)
	if code != 2 {
		t.Fatalf("plan with state: exit %d, want 2 (changes); preview_skipped=%q\nstderr:\n%s", code, got.PreviewSkipped, stderr)
	}
	// The counts are Pulumi's, per resource: the 44 servers, the Mail
	// component with one component per role (the example places all seven)
	// and, on a state that never saw an up, the stack resource itself.
	want := 44 + 1 + len(render.Roles) + 1
	if got.Changes == nil || got.Changes.Create != want || got.Changes.Update+got.Changes.Replace+got.Changes.Delete != 0 {
		t.Errorf("changes = %+v, want %d to create (44 servers, the mail components and the stack)", got.Changes, want)
	}
	if got.PreviewSkipped != "" {
		t.Errorf("preview_skipped = %q with a state and the CLI", got.PreviewSkipped)
	}

	code, got, stderr = runPlanJSON(t, root, true)
	if code != 0 || got.Changes != nil || got.PreviewSkipped != "--no-preview" {
		t.Errorf("--no-preview: exit %d changes=%v skipped=%q, want 0, none, --no-preview\n%s", code, got.Changes, got.PreviewSkipped, stderr)
	}
}

// An inventory that validates but whose roles cannot be rendered (a site
// with load balancers and no floating address) fails the plan, exit 1,
// with a diagnostic at file:line naming service.vips, as up would.
func TestPlanRefusesUnrenderableRoles(t *testing.T) {
	root := planProject(t)
	path := filepath.Join(root, "stacks", "example", "service.hcl")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const vip = "    ams1 = \"10.120.0.10\"\n"
	if !bytes.Contains(src, []byte(vip)) {
		t.Fatalf("%s: no line %q", path, vip)
	}
	if err := os.WriteFile(path, bytes.Replace(src, []byte(vip), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, got, stderr := runPlanJSON(t, root, true)
	if code != 1 || got.Valid || got.ErrorCount == 0 {
		t.Fatalf("plan of a stack whose lb role cannot render: exit %d valid %v errors %d, want 1, false, >0\n%s", code, got.Valid, got.ErrorCount, stderr)
	}
	found := false
	for _, d := range got.Diagnostics {
		if d.Severity == "error" && d.Range != nil && strings.HasSuffix(d.Range.Filename, ".hcl") && d.Range.Start.Line > 0 &&
			strings.Contains(d.Detail, "service.vips") && strings.Contains(d.Detail, `"ams1"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no error diagnostic with file:line naming the missing ams1 VIP: %+v", got.Diagnostics)
	}
	var out, errOut bytes.Buffer
	err = runPlan(context.Background(), &out, &errOut, planFlags{stack: "example", stacksDir: filepath.Join(root, "stacks"), format: "text", noPreview: true})
	if planExitCode(err) != 1 || !strings.Contains(errOut.String(), "service.hcl:") || !strings.Contains(out.String(), "Plan failed:") {
		t.Errorf("plan (text): exit %d\nstdout:\n%s\nstderr:\n%s", planExitCode(err), out.String(), errOut.String())
	}
	out.Reset()
	errOut.Reset()
	err = runInventoryValidate(&out, &errOut, filepath.Join(root, "stacks", "example"), "text")
	if planExitCode(err) != 1 || !strings.Contains(errOut.String(), "Missing VIP for load balancer site") {
		t.Errorf("inventory validate: exit %d, want 1 naming the missing VIP\nstdout:\n%s\nstderr:\n%s", planExitCode(err), out.String(), errOut.String())
	}
}

// A --base that names no commit (a mistyped CI target branch) fails the
// plan instead of silently showing no role file changes.
func TestPlanUnknownBase(t *testing.T) {
	root := planProject(t)
	var out, errOut bytes.Buffer
	err := runPlan(context.Background(), &out, &errOut, planFlags{stack: "example", stacksDir: filepath.Join(root, "stacks"),
		format: "text", noPreview: true, detailed: true, base: "origin/mian"})
	if planExitCode(err) != 1 || !strings.Contains(err.Error(), "origin/mian") || !strings.Contains(err.Error(), "unknown commit") {
		t.Fatalf("plan --base origin/mian: exit %d err %v\n%s", planExitCode(err), err, out.String())
	}
}
