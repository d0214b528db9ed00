package lab

import (
	"encoding/json"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/inventory"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func loadLab(t *testing.T) *inventory.Inventory {
	t.Helper()
	inv, diags := inventory.Load(filepath.Join("..", "stacks", "lab"))
	if diags.HasErrors() {
		t.Fatalf("load stacks/lab: %s", diags.Error())
	}
	return inv
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./lab -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (go test ./lab -run %s -update rewrites it):\n%s", path, t.Name(), got)
	}
}

const goldenRunDir = "/var/lib/racksmith/lab/.run"

func TestPlanLabStack(t *testing.T) {
	lay, err := Plan(loadLab(t), "", netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(lay, "", "  ")
	golden(t, "layout-lab.json", string(b)+"\n")

	h, ok := lay.Host("fra1-node1")
	if !ok {
		t.Fatal("fra1-node1 not in layout")
	}
	golden(t, "fra1-node1.lan.conf", renderLanConf(h, goldenRunDir, "PASSWORD"))
	golden(t, "fra1-node1.chassis", renderChassis(h, goldenRunDir, DefaultMemoryMiB))
}

// Every server of stacks/lab is laid out exactly from the inventory: its
// MAC on a tap of its site's bridge, its BMC address on rs-bmc, its disks
// with their serials.
func TestPlanFollowsInventory(t *testing.T) {
	inv := loadLab(t)
	lay, err := Plan(inv, "", netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lay.Hosts) != len(inv.Servers) {
		t.Fatalf("%d hosts for %d servers", len(lay.Hosts), len(inv.Servers))
	}
	bmcAddrs := map[netip.Prefix]bool{}
	for _, br := range lay.Bridges {
		if br.Name == BMCBridge {
			for _, a := range br.Addrs {
				bmcAddrs[a] = true
			}
		}
	}
	for _, s := range inv.Servers {
		h, ok := lay.Host(s.Name)
		if !ok {
			t.Fatalf("%s missing", s.Name)
		}
		if h.MAC != s.NICs[0].MAC || h.Bridge != "rs-"+s.Site || h.Serial != s.Serial {
			t.Errorf("%s: %+v", s.Name, h)
		}
		if !bmcAddrs[netip.PrefixFrom(s.BMC.Address, 24)] {
			t.Errorf("%s: BMC %s not on %s", s.Name, s.BMC.Address, BMCBridge)
		}
		for i, d := range s.Disks {
			if h.Disks[i].Serial != d.Serial || h.Disks[i].SizeBytes != d.SizeBytes {
				t.Errorf("%s disk %d: %+v", s.Name, i, h.Disks[i])
			}
		}
		args := strings.Join(qemuArgs(h, "/r", 512), " ")
		for _, want := range []string{"mac=" + h.MAC, "ifname=" + h.Tap, "serial=" + s.Serial, "serial=" + s.Disks[0].Serial, "-accel tcg"} {
			if !strings.Contains(args, want) {
				t.Errorf("%s: qemu args lack %q: %s", s.Name, want, args)
			}
		}
		if strings.Contains(args, "-no-reboot") {
			t.Errorf("%s: -no-reboot would end an installed host at its first reboot", s.Name)
		}
	}
}

// A server with firmware = "uefi" runs OVMF, network first and then its
// disks in the boot order (OVMF ignores -boot); the others keep SeaBIOS
// and -boot alone.
func TestPlanUEFIHostRunsOVMF(t *testing.T) {
	inv := loadLab(t)
	inv.Servers[0].Firmware = inventory.FirmwareUEFI
	lay, err := Plan(inv, "", netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range inv.Servers {
		h, _ := lay.Host(s.Name)
		args := strings.Join(qemuArgs(h, "/r", 512), " ")
		uefi := i == 0
		if (h.Firmware == inventory.FirmwareUEFI) != uefi || strings.Contains(args, "-bios "+OVMFImage) != uefi {
			t.Errorf("%s: firmware %q, qemu args %s", s.Name, h.Firmware, args)
		}
		if !uefi {
			if strings.Contains(args, "bootindex") {
				t.Errorf("%s: bootindex on a SeaBIOS host: %s", s.Name, args)
			}
			continue
		}
		for _, want := range []string{"mac=" + h.MAC + ",bootindex=1", "serial=" + h.Disks[0].Serial + ",bootindex=2", "serial=" + h.Disks[1].Serial + ",bootindex=3"} {
			if !strings.Contains(args, want) {
				t.Errorf("%s: qemu args lack %q: %s", s.Name, want, args)
			}
		}
	}
}

func TestPlanRejectsWhatTheLabCannotBuild(t *testing.T) {
	inv := loadLab(t)
	inv.Servers[0].BMC.Protocol = "redfish"
	inv.Servers[1].BMC.Address = netip.MustParseAddr("192.0.2.5")
	_, err := Plan(inv, "", netip.Prefix{})
	if !errors.Is(err, ErrInventory) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		inv.Servers[0].BMC.Range.String() + ": ", `"redfish"`,
		inv.Servers[1].BMC.Range.String() + ": ", "192.0.2.5",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestTapNameFitsInterfaceNames(t *testing.T) {
	if got := tapName("fra1-node1"); got != "rs-fra1-node1" {
		t.Errorf("tapName = %q", got)
	}
	long := tapName("a-very-long-host-name-indeed")
	if len(long) > ifNameMax || long != tapName("a-very-long-host-name-indeed") || long == tapName("a-very-long-host-name-other") {
		t.Errorf("long tap name %q", long)
	}
}
