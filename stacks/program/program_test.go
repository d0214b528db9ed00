package program

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
	"github.com/racksmith/racksmith/modules/component"
	"github.com/racksmith/racksmith/modules/monitor"
	"github.com/racksmith/racksmith/modules/render"
)

const labPassword = "lab-bmc-secret-3f9a"

// recorder is a Pulumi mock monitor that records each registered resource.
type recorder struct {
	mu  sync.Mutex
	res map[string]pulumi.MockResourceArgs
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res[args.Name] = args
	out := args.Inputs.Copy()
	out["installState"] = resource.NewStringProperty("installed")
	return args.Name + "_id", out, nil
}

func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// runWith runs the program against mocks with the given config.
func runWith(t *testing.T, cfg map[string]string, secretKeys []string) (*recorder, error) {
	t.Helper()
	b, _ := json.Marshal(cfg)
	t.Setenv("PULUMI_CONFIG", string(b))
	sk, _ := json.Marshal(secretKeys)
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", string(sk))
	rec := &recorder{res: map[string]pulumi.MockResourceArgs{}}
	err := pulumi.RunErr(New(Options{Root: "../.."}), pulumi.WithMocks("racksmith", "lab", rec))
	return rec, err
}

// runLab runs the program on stacks/lab with its BMC password set.
func runLab(t *testing.T) *recorder {
	t.Helper()
	rec, err := runWith(t, map[string]string{
		"racksmith:inventory":   "stacks/lab",
		"racksmith:bmcPassword": labPassword,
	}, []string{"racksmith:bmcPassword"})
	if err != nil {
		t.Fatalf("program: %v", err)
	}
	return rec
}

func TestProgramDeclaresOneServerPerInventoryServer(t *testing.T) {
	rec := runLab(t)
	want := []string{"ams1-node1", "ams1-node2", "fra1-node1", "fra1-node2"}
	var got []string
	for name, r := range rec.res {
		if r.TypeToken == "racksmith:index:Server" {
			got = append(got, name)
		}
	}
	if strings.Join(sortStrings(got), ",") != strings.Join(want, ",") {
		t.Fatalf("servers declared: %v, want %v", got, want)
	}
	n1 := rec.res["fra1-node1"].Inputs
	if n1["mac"].StringValue() != "52:54:00:11:00:21" || n1["bootServerUrl"].StringValue() != "http://10.11.0.2:8080" ||
		n1["address"].StringValue() != "10.11.0.21/24" {
		t.Fatalf("fra1-node1 inputs: mac %v url %v address %v", n1["mac"], n1["bootServerUrl"], n1["address"])
	}
	pw := n1["bmc"].ObjectValue()["password"]
	if !pw.IsSecret() || pw.SecretValue().Element.StringValue() != labPassword {
		t.Fatalf("bmc password must reach the provider as a secret: %v", pw)
	}
	storage := n1["storage"].ObjectValue()
	if storage["raidLevel"].NumberValue() != 1 || len(storage["disks"].ArrayValue()) != 2 ||
		storage["encryption"].ObjectValue()["pbkdf"].StringValue() != "pbkdf2" {
		t.Fatalf("storage: %v", storage)
	}
	if f := n1["firmware"]; !f.IsString() || f.StringValue() != inventory.FirmwareBIOS {
		t.Fatalf("firmware: %v, want the inventory's default bios", f)
	}
	// The lab image is defined in images/os/lab-busybox.json and built as busybox-root.
	if img := n1["image"].ObjectValue(); img["name"].StringValue() != "lab-busybox" ||
		img["url"].StringValue() != "http://10.11.0.2:8080/files/os/busybox-root.tar.gz" {
		t.Fatalf("image: %v", img)
	}
	// fra1-node1 carries dns, web and monitor: each role's files reach its
	// Server, with the content the pure renderers produce.
	inv := loadLab(t)
	rendered, diags := modules.Render(inv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, host := range want {
		gotFiles := map[string]string{}
		for _, f := range rec.res[host].Inputs["files"].ArrayValue() {
			o := f.ObjectValue()
			gotFiles[o["path"].StringValue()] = o["content"].StringValue()
		}
		if len(rendered[host]) == 0 {
			t.Fatalf("%s: the lab renders no role files for it", host)
		}
		for _, f := range rendered[host] {
			c, ok := gotFiles[f.Path]
			if !ok {
				t.Errorf("%s: role file %s not handed to its Server", host, f.Path)
			} else if c != string(f.Content) {
				t.Errorf("%s: %s differs from the rendered file", host, f.Path)
			}
		}
	}
	for _, p := range []string{monitor.ConfigPath, monitor.RulesPath, "/etc/knot/knot.conf"} {
		found := false
		for _, f := range rendered["fra1-node1"] {
			found = found || f.Path == p
		}
		if !found {
			t.Errorf("fra1-node1 (dns, web, monitor) is not given %s", p)
		}
	}
}

// The program declares the mail service as component resources: the Mail
// parent and one component per role the lab places, each a child of Mail.
func TestProgramDeclaresRoleComponents(t *testing.T) {
	rec := runLab(t)
	types := map[string]string{}
	for name, r := range rec.res {
		types[name] = r.TypeToken
	}
	if types[MailName] != component.MailType {
		t.Fatalf("resource %q: type %q, want %s (all: %v)", MailName, types[MailName], component.MailType, types)
	}
	inv := loadLab(t)
	topo, diags := render.New(inv)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, role := range render.Roles {
		name := MailName + "-" + role
		placed := len(topo.With(role, "")) > 0
		typ, declared := types[name]
		switch {
		case placed && !declared:
			t.Errorf("role %s has hosts in the lab but no component %s", role, name)
		case !placed && declared:
			t.Errorf("role %s has no hosts but component %s (%s) was declared", role, name, typ)
		case declared && !strings.HasPrefix(typ, "racksmith:modules:"):
			t.Errorf("%s: type %s", name, typ)
		}
		if rpc := rec.res[name].RegisterRPC; declared && (rpc == nil || !strings.HasSuffix(rpc.GetParent(), "::"+MailName)) {
			t.Errorf("%s: parent %q, want the Mail component", name, rpc.GetParent())
		}
	}
}

func loadLab(t *testing.T) *inventory.Inventory {
	t.Helper()
	inv, diags := inventory.Load("../lab")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return inv
}

func TestProgramStopsOnInvalidInventory(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../lab/sites.hcl")
	if err != nil {
		t.Fatal(err)
	}
	// A site referencing itself twice: a duplicate block is an error with file:line.
	if err := os.WriteFile(filepath.Join(dir, "sites.hcl"), append(src, src...), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := runWith(t, map[string]string{"racksmith:inventory": dir, "racksmith:bmcPassword": labPassword}, nil)
	if err == nil || !strings.Contains(err.Error(), "sites.hcl:") {
		t.Fatalf("invalid inventory: err %v; want diagnostics naming sites.hcl:LINE", err)
	}
	if len(rec.res) != 0 {
		t.Fatalf("resources declared from an invalid inventory: %d", len(rec.res))
	}
}

func TestProgramMissingSecretNamesCredential(t *testing.T) {
	_, err := runWith(t, map[string]string{"racksmith:inventory": "stacks/lab"}, nil)
	if err == nil || !strings.Contains(err.Error(), "sites.hcl:") || !strings.Contains(err.Error(), `credential "lab-bmc"`) {
		t.Fatalf("missing password: %v; want the credential's file:line", err)
	}
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// Under `pulumi up` the program may run below the project folder: a
// relative inventory is found from the folder holding Pulumi.yaml.
func TestRunFindsProjectRoot(t *testing.T) {
	t.Setenv("PULUMI_CONFIG", `{"racksmith:inventory":"stacks/lab","racksmith:bmcPassword":"x"}`)
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", `["racksmith:bmcPassword"]`)
	rec := &recorder{res: map[string]pulumi.MockResourceArgs{}}
	if err := pulumi.RunErr(Run, pulumi.WithMocks("racksmith", "lab", rec)); err != nil {
		t.Fatalf("program.Run from %s: %v", "stacks/program", err)
	}
	servers := 0
	for _, r := range rec.res {
		if r.TypeToken == "racksmith:index:Server" {
			servers++
		}
	}
	if servers != 4 {
		t.Fatalf("%d servers declared, want the lab's 4", servers)
	}
}

// An inventory with many errors stops the program with a bounded message:
// the first diagnostics with snippets, then how many more.
func TestProgramInvalidInventoryMessageBounded(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../lab/sites.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var many []byte
	for range 30 {
		many = append(many, src...)
	}
	if err := os.WriteFile(filepath.Join(dir, "sites.hcl"), many, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runWith(t, map[string]string{"racksmith:inventory": dir, "racksmith:bmcPassword": labPassword}, nil)
	if err == nil || !strings.Contains(err.Error(), "more (racksmith inventory validate --format json lists them all)") ||
		strings.Count(err.Error(), "sites.hcl line") > maxDiagnostics {
		t.Fatalf("many errors: %d snippets, want at most %d and a count of the rest:\n%.2000s", strings.Count(fmt.Sprint(err), "sites.hcl line"), maxDiagnostics, err)
	}
}
