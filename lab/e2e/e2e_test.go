package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/images/inspect"
	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/lab"
	"github.com/racksmith/racksmith/lab/labtest"
	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/stacks/program"
)

// servers are the hosts of the test's stack: one per site.
var servers = []string{"fra1-node1", "ams1-node1"}

// changed matches Pulumi's summary lines of an update that changed things.
var changed = regexp.MustCompile(`(?m)^\s+[-+~]?\s*\d+ (created|updated|deleted|replaced|to create|to update|to delete|to replace)`)

// TestUpNoOpRefreshDestroy installs two hosts in two sites, checks them on
// their disk files, runs up again (no change), refresh (no drift), then
// destroy, after which the disks carry no md superblock and no LUKS
// header; no secret appears in plain text in state, logs or the lab folder.
func TestUpNoOpRefreshDestroy(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end lab test: needs root, QEMU, ipmi_sim; run without -short")
	}
	l := labtest.Start(t, labtest.Options{Servers: servers, Prefix: "e2e"})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	// every command's output (the operator's log) is grepped for secrets too
	var outputs []string
	stack := func(verb string) string {
		out := l.MustStack(ctx, verb)
		outputs = append(outputs, out)
		return out
	}
	start := time.Now()
	out := stack("up")
	t.Logf("up: %.0fs", time.Since(start).Seconds())
	total := resourceCount(t, l)
	if !strings.Contains(out, fmt.Sprintf("%d created", total)) {
		t.Fatalf("up did not create the stack, the mail components and its %d servers (%d resources):\n%s", len(servers), total, out)
	}

	keys := luksKeys(ctx, t, l)
	verify := verifyReport(ctx, t, l)
	if len(verify) != len(servers) {
		t.Fatalf("lab verify checked %d hosts, want %d", len(verify), len(servers))
	}
	for _, v := range verify {
		r := v.Report
		if len(v.Errors) > 0 || r == nil {
			t.Errorf("%s: %v", v.Host, v.Errors)
			continue
		}
		if len(r.Arrays) != 2 || r.LUKS == nil || r.LUKS.Version != 2 || !r.Key.Opens || !r.Key.WrongRejected || len(r.Files) == 0 {
			t.Errorf("%s: arrays %d, luks %+v, key %+v, files %d", v.Host, len(r.Arrays), r.LUKS, r.Key, len(r.Files))
		}
	}

	out = stack("preview")
	if !strings.Contains(out, "(changes: false)") {
		t.Errorf("preview after up shows changes:\n%s", out)
	}
	out = stack("up")
	if changed.MatchString(out) || !strings.Contains(out, fmt.Sprintf("%d unchanged", total)) {
		t.Errorf("second up changed something:\n%s", out)
	}
	out = stack("refresh")
	if changed.MatchString(out) {
		t.Errorf("refresh found drift on freshly installed hosts:\n%s", out)
	}
	out = stack("preview")
	if !strings.Contains(out, "(changes: false)") {
		t.Errorf("preview after refresh shows changes:\n%s", out)
	}

	// An inventory edit that changes both hosts' role files (a second mail
	// domain: zones, nginx) updates exactly the servers, without a
	// reinstall: each is rebooted and its initramfs lays the new files into
	// its root; the disks, checked from outside, hold them.
	before := hostOutputs(ctx, t, l)
	svc := filepath.Join(l.Inventory, "service.hcl")
	src, err := os.ReadFile(svc)
	if err != nil {
		t.Fatal(err)
	}
	const domains = `domains      = ["lab.racksmith.test"]`
	if !strings.Contains(string(src), domains) {
		t.Fatalf("%s has no line %s", svc, domains)
	}
	edited := strings.Replace(string(src), domains, `domains      = ["lab.racksmith.test", "mail.racksmith.test"]`, 1)
	if err := os.WriteFile(svc, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out = stack("preview")
	if !strings.Contains(out, fmt.Sprintf("%d to update", len(servers))) || !strings.Contains(out, "role files:") {
		t.Errorf("preview of a domain added: want %d servers to update, naming their role files:\n%s", len(servers), out)
	}
	start = time.Now()
	out = stack("up")
	t.Logf("role file update (reboot and delivery): %.0fs", time.Since(start).Seconds())
	if !strings.Contains(out, fmt.Sprintf("%d updated", len(servers))) || strings.Contains(out, "replaced") {
		t.Errorf("up after the edit: want %d servers updated, none replaced:\n%s", len(servers), out)
	}
	after := hostOutputs(ctx, t, l)
	for _, s := range servers {
		if reflect.DeepEqual(before[s].FilesDelivered, after[s].FilesDelivered) || before[s].LUKSUUID != after[s].LUKSUUID {
			t.Errorf("%s: filesDelivered unchanged or LUKS volume changed (a reinstall) after the update", s)
		}
	}
	for _, v := range verifyReport(ctx, t, l) {
		if len(v.Errors) > 0 || v.Report == nil || len(v.Report.Files) != len(after[v.Host].FilesDelivered) {
			t.Errorf("%s after the update: %v", v.Host, v.Errors)
		}
	}
	out = stack("preview")
	if !strings.Contains(out, "(changes: false)") {
		t.Errorf("preview after the update shows changes:\n%s", out)
	}

	start = time.Now()
	out = stack("destroy")
	t.Logf("destroy: %.0fs", time.Since(start).Seconds())
	if !strings.Contains(out, fmt.Sprintf("%d deleted", total)) {
		t.Errorf("destroy did not delete the stack and its servers:\n%s", out)
	}
	for _, s := range servers {
		ok, found, err := inspect.Wiped(l.Disks(s))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Errorf("%s after destroy: %v", s, found)
		}
	}
	secretsGrep(t, l, keys, outputs)
}

// resourceCount is what the program declares for the test's stack: the
// stack, the Mail component and one component per role that has a host in
// it, and one Server per server.
func resourceCount(t *testing.T, l *labtest.Lab) int {
	t.Helper()
	inv, diags := inventory.Load(l.Inventory)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	topo, diags := render.New(inv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := 2 + len(inv.Servers)
	for _, role := range render.Roles {
		if len(topo.With(role, "")) > 0 {
			n++
		}
	}
	return n
}

type verdict struct {
	Host   string          `json:"host"`
	Report *inspect.Report `json:"report"`
	Errors []string        `json:"errors"`
}

// verifyReport runs `racksmith lab verify --json` on the test's stack.
func verifyReport(ctx context.Context, t *testing.T, l *labtest.Lab) []verdict {
	t.Helper()
	c := exec.CommandContext(ctx, filepath.Join(l.Root, "bin", "racksmith"), "lab", "verify", "--json",
		"--stack", l.Stack, "--dir", l.Project, "--bin", filepath.Join(l.Root, "bin"),
		"--namespace", l.Namespace, "--run-dir", l.RunDir)
	c.Dir = l.Root
	var stderr strings.Builder
	c.Stderr = &stderr
	b, err := c.Output()
	t.Logf("lab verify: %s%s", b, stderr.String())
	if err != nil {
		t.Errorf("lab verify: %v", err)
	}
	var vs []verdict
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatalf("lab verify --json: %v", err)
	}
	return vs
}

// secretsGrep looks for the BMC password and every LUKS key in plain text
// in the stack's state, the boot servers' logs and the lab folder (but
// the virtual BMCs' lan.conf, which holds the password as a real BMC does).
func secretsGrep(t *testing.T, l *labtest.Lab, keys map[string]string, outputs []string) {
	t.Helper()
	pw, err := lab.Password(l.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"BMC password": pw}
	for name, k := range keys {
		secrets["LUKS key of "+name] = k
	}
	for i, out := range outputs {
		for what, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s in plain text in the output of racksmith command %d", what, i+1)
			}
		}
	}
	// the grep is not vacuous: it read the Pulumi state (which holds the
	// password and keys, encrypted), the boot servers' logs and state, and
	// the VMs' consoles
	seen := map[string]bool{}
	for _, root := range []string{filepath.Join(l.Project, "stacks"), l.RunDir} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Base(p) == "lan.conf" || filepath.Base(p) == lab.PasswordFile("") ||
				strings.HasSuffix(p, ".img") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			seen[filepath.Base(p)] = true
			// the state, its backups and history (destroy leaves the last empty)
			if strings.HasSuffix(p, ".json") && strings.Contains(string(b), `"ciphertext"`) {
				seen["encrypted state"] = true
			}
			for what, s := range secrets {
				if strings.Contains(string(b), s) {
					t.Errorf("%s in plain text in %s", what, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"encrypted state", "pxe.db", "log", "console.log"} {
		if !seen[f] {
			t.Errorf("secrets grep read no %s: it checked %d file names", f, len(seen))
		}
	}
}

// hostOutputs reads the stack's secret "hosts" output.
func hostOutputs(ctx context.Context, t *testing.T, l *labtest.Lab) map[string]program.HostOutputs {
	t.Helper()
	st := program.Stack{Name: l.Stack, Dir: l.Project, Bin: filepath.Join(l.Root, "bin"), Out: io.Discard}
	hosts, err := st.Hosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return hosts
}

// luksKeys reads each host's LUKS key from the stack's secret output.
func luksKeys(ctx context.Context, t *testing.T, l *labtest.Lab) map[string]string {
	t.Helper()
	hosts := hostOutputs(ctx, t, l)
	keys := map[string]string{}
	for _, s := range servers {
		if hosts[s].LUKSKey == "" {
			t.Fatalf("stack output hosts has no LUKS key for %s", s)
		}
		keys[s] = hosts[s].LUKSKey
	}
	return keys
}
