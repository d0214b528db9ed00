package inventory

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func stackDir(name string) string { return filepath.Join("..", "stacks", name) }

func mustLoad(t testing.TB, dir string) *Inventory {
	t.Helper()
	inv, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatalf("Load(%s): %s", dir, diags.Error())
	}
	return inv
}

// The lab stack is what the boot server, the lab and the provider are built
// against: check it says exactly what docs/contracts.md says.
func TestLoadLabMatchesContract(t *testing.T) {
	inv := mustLoad(t, stackDir("lab"))
	if len(inv.Sites) != 2 || len(inv.Servers) != 4 || len(inv.PDUs) != 4 {
		t.Fatalf("got %d sites, %d servers, %d PDUs; want 2, 4, 4", len(inv.Sites), len(inv.Servers), len(inv.PDUs))
	}
	nets := map[string]Network{}
	for _, s := range inv.Sites {
		nets[s.Name] = s.Network
	}
	if n := nets["fra1"]; n.Prefix != netip.MustParsePrefix("10.11.0.0/24") || n.BootServer != netip.MustParseAddr("10.11.0.2") || n.BootURL != "http://10.11.0.2:8080" {
		t.Errorf("fra1 network = %+v", n)
	}
	if n := nets["ams1"]; n.Prefix != netip.MustParsePrefix("10.21.0.0/24") || n.BootServer != netip.MustParseAddr("10.21.0.2") || n.BootURL != "http://10.21.0.2:8080" {
		t.Errorf("ams1 network = %+v", n)
	}
	want := map[string]struct{ addr, bmc string }{
		"fra1-node1": {"10.11.0.21/24", "10.99.0.11"},
		"fra1-node2": {"10.11.0.22/24", "10.99.0.12"},
		"ams1-node1": {"10.21.0.21/24", "10.99.0.13"},
		"ams1-node2": {"10.21.0.22/24", "10.99.0.14"},
	}
	for _, s := range inv.Servers {
		w, ok := want[s.Name]
		if !ok {
			t.Errorf("unexpected server %q", s.Name)
			continue
		}
		if s.Address.String() != w.addr || s.BMC.Address.String() != w.bmc || s.BMC.Port != 623 || s.BMC.Protocol != "ipmi" || s.BMC.Credential != "lab-bmc" {
			t.Errorf("%s: address %s bmc %s:%d %s %s", s.Name, s.Address, s.BMC.Address, s.BMC.Port, s.BMC.Protocol, s.BMC.Credential)
		}
		if s.Image != "lab-busybox" || len(s.PSUs) != 2 || len(s.Disks) != 2 {
			t.Errorf("%s: image %q, %d PSUs, %d disks", s.Name, s.Image, len(s.PSUs), len(s.Disks))
		}
		for i, d := range s.Disks {
			if d.SizeBytes != 512<<20 || d.Serial != s.Name[:0]+"RS-"+s.Name+"-d"+string(rune('0'+i)) {
				t.Errorf("%s disk %s: serial %q size %d", s.Name, d.Name, d.Serial, d.SizeBytes)
			}
		}
		e := s.Storage.Encryption
		if s.Storage.RAIDLevel != 1 || e == nil || e.Type != "luks2" || e.PBKDF != "pbkdf2" || e.PBKDFIter != 1000 || e.KeySource != "bootserver" {
			t.Errorf("%s: storage %+v encryption %+v", s.Name, s.Storage, e)
		}
		if len(s.NICs) == 0 || s.NICs[0].MAC[:9] != "52:54:00:" {
			t.Errorf("%s: NICs %+v", s.Name, s.NICs)
		}
	}
	if len(inv.Credentials) != 1 || inv.Credentials[0].PasswordRef != "pulumi:bmcPassword" {
		t.Errorf("credentials = %+v", inv.Credentials)
	}
}

func TestLoadExample(t *testing.T) {
	inv := mustLoad(t, stackDir("example"))
	if len(inv.Servers) < 40 {
		t.Fatalf("example has %d servers, want ≥ 40", len(inv.Servers))
	}
	if inv.Service == nil || inv.Service.PrimarySite != "fra1" || inv.Service.VIPs["ams1"] != "10.120.0.10" {
		t.Fatalf("service = %+v", inv.Service)
	}
	for _, s := range inv.Servers {
		if s.Image != "debian-12" {
			t.Errorf("%s: image %q, want the variable's default debian-12", s.Name, s.Image)
		}
		for _, n := range s.NICs {
			if norm, err := NormalizeMAC(n.MAC); err != nil || norm != n.MAC {
				t.Errorf("%s %s: MAC %q not stored normalized", s.Name, n.Name, n.MAC)
			}
		}
	}
	for _, s := range inv.Sites {
		if len(s.Network.DNS) != 2 {
			t.Errorf("site %s: dns from local = %v", s.Name, s.Network.DNS)
		}
	}
	for _, p := range inv.PDUs {
		if p.CapacityW != 32*230 {
			t.Errorf("pdu %s: capacity %d W, want 32 A × 230 V", p.Name, p.CapacityW)
		}
	}
}

func TestLocalsReferToEachOtherInAnyOrder(t *testing.T) {
	inv, diags := LoadSources("mem", map[string][]byte{"a.hcl": []byte(`
locals {
  b = "${local.a}-r1"
}
locals {
  a = lower(var.site)
}
variable "site" { default = "FRA1" }
rack "r" {
  site   = local.a
  height = 42
}
rack "s" {
  site   = local.b
  height = 42
}
`)})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if inv.Racks[0].Site != "fra1" || inv.Racks[1].Site != "fra1-r1" {
		t.Fatalf("racks = %+v %+v", inv.Racks[0], inv.Racks[1])
	}
}

func TestStacksValidate(t *testing.T) {
	for _, name := range []string{"lab", "example"} {
		inv := mustLoad(t, stackDir(name))
		if diags := Validate(inv); len(diags) > 0 {
			t.Errorf("Validate(%s): %s", name, diags.Error())
		}
	}
}

// The shipped stacks must pass the CI plan: no error from the analysis.
func TestStacksAnalyzeWithoutErrors(t *testing.T) {
	for _, name := range []string{"lab", "example"} {
		inv := mustLoad(t, stackDir(name))
		rep, diags := Analyze(inv)
		if diags.HasErrors() {
			t.Errorf("Analyze(%s):\n%s", name, dumpDiags(diags))
		}
		t.Logf("%s: %d roles, %d what-ifs, %d PDUs, %d warnings:\n%s", name, len(rep.Roles), len(rep.WhatIf), len(rep.Power), len(diags), dumpDiags(diags))
	}
}

func TestStacksAreFormatted(t *testing.T) {
	for _, name := range []string{"lab", "example"} {
		changed, diags, err := FormatDir(stackDir(name), false)
		if err != nil || diags.HasErrors() || len(changed) > 0 {
			t.Errorf("%s: not in canonical layout: %v %v %v", name, changed, diags, err)
		}
	}
}

// TestFirmware checks the server firmware attribute: "bios" when absent,
// "uefi" as written, its range kept for diagnostics (the bad value itself is
// testdata/invalid/bad-firmware).
func TestFirmware(t *testing.T) {
	inv, diags := Load(filepath.Join("testdata", "invalid", "bad-firmware"))
	if diags.HasErrors() {
		t.Fatalf("Load: %s", diags.Error())
	}
	got := map[string]string{}
	for _, s := range inv.Servers {
		got[s.Name] = s.Firmware
		if s.Firmware != FirmwareBIOS && s.Attrs.Of("firmware", hcl.Range{}).Start.Line == 0 {
			t.Errorf("%s: firmware %q has no range", s.Name, s.Firmware)
		}
	}
	if got["node1"] != FirmwareBIOS || got["node2"] != "efi" || got["node3"] != FirmwareUEFI {
		t.Errorf("firmware by server: %v; want node1 bios (default), node2 efi, node3 uefi", got)
	}
	for _, s := range mustLoad(t, stackDir("lab")).Servers {
		if s.Firmware != FirmwareBIOS {
			t.Errorf("lab %s: firmware %q, want the default bios", s.Name, s.Firmware)
		}
	}
}

// RACKSMITH_VAR_NAME sets a variable over its default (as TF_VAR_ does):
// raw for a string, an HCL value for other types; a bad one is an error on
// the variable block; a variable with neither is an error naming both.
func TestVariablesFromEnvironment(t *testing.T) {
	src := map[string][]byte{"a.hcl": []byte(`
variable "site" { default = "fra1" }
variable "height" {
  type    = number
  default = 42
}
variable "row" { type = string }
rack "r" {
  site   = "${var.site}-${var.row}"
  height = var.height
}
`)}
	t.Setenv("RACKSMITH_VAR_site", "ams1")
	t.Setenv("RACKSMITH_VAR_height", "47")
	t.Setenv("RACKSMITH_VAR_row", "B 12")
	inv, diags := LoadSources("mem", src)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if r := inv.Racks[0]; r.Site != "ams1-B 12" || r.Height != 47 {
		t.Fatalf("rack = %+v, want site ams1-B 12 height 47 from the environment", r)
	}

	t.Setenv("RACKSMITH_VAR_height", "forty")
	if _, diags := LoadSources("mem", src); !diags.HasErrors() || !strings.Contains(diags.Error(), "RACKSMITH_VAR_height") ||
		!strings.Contains(diags.Error(), "a.hcl:3") {
		t.Fatalf("bad number from the environment: %v", diags)
	}
	t.Setenv("RACKSMITH_VAR_height", "47")
	os.Unsetenv("RACKSMITH_VAR_row")
	if _, diags := LoadSources("mem", src); !diags.HasErrors() || !strings.Contains(diags.Error(), "RACKSMITH_VAR_row is not set") {
		t.Fatalf("variable with no default and no environment value: %v", diags)
	}
}
