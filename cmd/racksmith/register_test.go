package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	facts := []discoveredHost{{MAC: "52:54:00:99:00:01"}, {
		Site: "ams1", MAC: "52:54:00:21:00:23", Serial: "RS-ams1-node3", Vendor: "QEMU", Product: "Standard PC (i440FX + PIIX, 1996)",
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

// Bad flag values of `register` are errors naming the flag and what it
// wants, with no Go parser internals, and write nothing.
func TestRegisterFlagErrors(t *testing.T) {
	root := regCopyLab(t)
	servers := filepath.Join(root, "lab", "servers.hcl")
	before, _ := os.ReadFile(servers)
	ok := regFlags{stack: "lab", stacksDir: root, macs: []string{"52:54:00:99:00:09"},
		psus: []string{"fra1-pdu-a:5:120", "fra1-pdu-b:5:120"}, disks: []string{"d0:S0:512MiB", "d1:S1:512MiB"}}
	ok.reg = inventory.Registration{Name: "fra1-node5", Site: "fra1", Rack: "fra1-r1", U: 14, Serial: "RS-x", BMC: "10.99.0.15"}
	for _, c := range []struct {
		edit func(*regFlags)
		want string
	}{
		{func(f *regFlags) { f.u = "x" }, `--u "x": want a rack unit number ≥ 1`},
		{func(f *regFlags) { f.u = "-3" }, `--u "-3": want a rack unit number ≥ 1`},
		{func(f *regFlags) { f.u = "0" }, `--u "0": want a rack unit number ≥ 1`},
		{func(f *regFlags) { f.height = "two" }, `--height "two": want a height in rack units ≥ 1`},
		{func(f *regFlags) { f.raid = "7" }, `--raid "7": want a RAID level: 1, 5, 6 or 10`},
		{func(f *regFlags) { f.psus = []string{"fra1-pdu-a:x:420"} }, `--psu "fra1-pdu-a:x:420": outlet "x": want an outlet number ≥ 1`},
		{func(f *regFlags) { f.psus = []string{"fra1-pdu-a:5:lots"} }, `--psu "fra1-pdu-a:5:lots": watts "lots": want a number of watts ≥ 1`},
		{func(f *regFlags) { f.reg.BMC = "10.99.000.011" }, `--bmc "10.99.000.011": not an IPv4 or IPv6 address`},
		{func(f *regFlags) { f.reg.Address = "10.11.0.40" }, `--address "10.11.0.40": want an address with its prefix length`},
		{func(f *regFlags) { f.macs = []string{"zz"} }, `--mac: invalid MAC address "zz"`},
		{func(f *regFlags) { f.disks = []string{"d0:S0:1.2.3TB"} }, `--disk "d0:S0:1.2.3TB": size "1.2.3TB": want a number and a unit`},
		{func(f *regFlags) { f.fromDiscovery = "zz" }, `--from-discovery: invalid MAC address "zz"`},
	} {
		f := ok
		c.edit(&f)
		err := runRegister(context.Background(), io.Discard, f)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "strconv") || strings.Contains(err.Error(), "Parse") {
			t.Errorf("error %v, want one starting %s", err, c.want)
		}
	}
	if now, _ := os.ReadFile(servers); !bytes.Equal(now, before) {
		t.Fatal("a refused registration changed servers.hcl")
	}
	f := ok
	f.u, f.height, f.raid = "20", "1", "1"
	if err := runRegister(context.Background(), io.Discard, f); err != nil {
		t.Fatalf("good values: %v", err)
	}
	inv, _ := inventory.Load(filepath.Join(root, "lab"))
	found := false
	for _, s := range inv.Servers {
		if s.Name == "fra1-node5" {
			found = true
			if s.U != 20 || s.Storage.RAIDLevel != 1 {
				t.Errorf("registered U %d RAID %d, want 20 and 1", s.U, s.Storage.RAIDLevel)
			}
		}
	}
	if !found {
		t.Error("fra1-node5 not registered")
	}
}

// --facts-file refuses keys a discovery report does not have, naming the
// file and the key, and takes one host as well as the list.
func TestRegisterFactsFileKeys(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`[{"mac": "52:54:00:21:00:23", "serail": "RS-1"}]`), 0o644)
	_, _, err := (&regFactsFile{path: bad}).FactsByMAC(context.Background(), "52:54:00:21:00:23")
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), `unknown field "serail"`) {
		t.Errorf("unknown key: %v", err)
	}
	nested := filepath.Join(dir, "nested.json")
	os.WriteFile(nested, []byte(`{"mac": "52:54:00:21:00:23", "disks": [{"path": "/dev/vda", "size": 1}]}`), 0o644)
	if _, _, err := (&regFactsFile{path: nested}).FactsByMAC(context.Background(), "52:54:00:21:00:23"); err == nil || !strings.Contains(err.Error(), `unknown field "size"`) {
		t.Errorf("unknown nested key: %v", err)
	}
	one := filepath.Join(dir, "one.json")
	os.WriteFile(one, []byte(`{"site": "ams1", "boot_url": "http://10.21.0.2:8080", "mac": "52:54:00:21:00:23", "serial": "RS-1",
  "nics": [{"name": "eth0", "mac": "52:54:00:21:00:23"}], "disks": [], "reported": "2026-12-03T20:00:00Z", "inventory_server": ""}`), 0o644)
	facts, site, err := (&regFactsFile{path: one}).FactsByMAC(context.Background(), "52-54-00-21-00-23")
	if err != nil || facts.Serial != "RS-1" || site != "ams1" {
		t.Errorf("one host: %+v %q %v", facts, site, err)
	}
}
