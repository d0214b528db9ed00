package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/plan"
)

func regCopyLab(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "lab")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../stacks/lab/*.hcl")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// `register --from-discovery MAC --facts-file F --dry-run` shows a diff
// built from the host's facts and writes nothing; without --dry-run it
// registers the server, which then validates.
func TestRegisterFromDiscoveryFactsFile(t *testing.T) {
	root := regCopyLab(t)
	facts := []plan.Facts{{MAC: "52:54:00:99:00:01"}, {
		MAC: "52:54:00:21:00:23", Serial: "RS-ams1-node3", Vendor: "QEMU", Product: "Standard PC (i440FX + PIIX, 1996)",
		NICs:  []plan.NICFact{{Name: "eth0", MAC: "52:54:00:21:00:23"}},
		Disks: []plan.DiskFact{{Path: "/dev/vda", Serial: "RS-ams1-node3-d0", SizeBytes: 512 << 20}, {Path: "/dev/vdb", Serial: "RS-ams1-node3-d1", SizeBytes: 512 << 20}},
	}}
	ff := filepath.Join(root, "facts.json")
	b, _ := json.Marshal(facts)
	if err := os.WriteFile(ff, b, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(root, "lab", "servers.hcl"))
	f := regFlags{stack: "lab", stacksDir: root, fromDiscovery: "5254.0021.0023", factsFile: ff, dryRun: true,
		psus: []string{"ams1-pdu-a:3:120", "ams1-pdu-b:3:120"}, roles: []string{"dns"}}
	f.reg = inventory.Registration{Name: "ams1-node3", Site: "ams1", Rack: "ams1-r1", U: 12, BMC: "10.99.0.15"}
	var out bytes.Buffer
	if err := runRegister(context.Background(), &out, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`+server "ams1-node3" {`, `+  serial  = "RS-ams1-node3"`, `+    mac     = "52:54:00:21:00:23"`, `+    serial = "RS-ams1-node3-d1"`, "+++ "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diff lacks %q:\n%s", want, out.String())
		}
	}
	if after, _ := os.ReadFile(filepath.Join(root, "lab", "servers.hcl")); !bytes.Equal(after, before) {
		t.Fatal("--dry-run wrote the file")
	}

	f.dryRun = false
	out.Reset()
	if err := runRegister(context.Background(), &out, f); err != nil {
		t.Fatal(err)
	}
	if _, _, diags := inventory.Check(filepath.Join(root, "lab")); diags.HasErrors() {
		t.Fatalf("after register: %v", diags)
	}
	f.fromDiscovery = "52:54:00:00:00:77"
	if err := runRegister(context.Background(), &out, f); err == nil || !strings.Contains(err.Error(), "no discovery facts") {
		t.Errorf("unknown MAC: err = %v", err)
	}
}
