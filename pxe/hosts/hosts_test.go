package hosts

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func rng(file string, line int) hcl.Range {
	return hcl.Range{Filename: file, Start: hcl.Pos{Line: line}, End: hcl.Pos{Line: line}}
}

// labInventory is a two-site inventory like stacks/lab, built in Go.
func labInventory() *inventory.Inventory {
	fra := &inventory.Site{Name: "fra1", Network: inventory.Network{
		Prefix:     netip.MustParsePrefix("10.11.0.0/24"),
		Gateway:    netip.MustParseAddr("10.11.0.1"),
		BootServer: netip.MustParseAddr("10.11.0.2"),
		BootURL:    "http://10.11.0.2:8080/",
		DNS:        []netip.Addr{netip.MustParseAddr("10.11.0.53"), netip.MustParseAddr("10.21.0.53")},
		Range:      rng("sites.hcl", 3),
	}}
	ams := &inventory.Site{Name: "ams1", Network: inventory.Network{
		Prefix:     netip.MustParsePrefix("10.21.0.0/24"),
		BootServer: netip.MustParseAddr("10.21.0.2"),
		BootURL:    "http://10.21.0.2:8080",
		Range:      rng("sites.hcl", 20),
	}}
	server := func(name, site, addr string, line int, nics ...inventory.NIC) *inventory.Server {
		return &inventory.Server{Name: name, Site: site, Address: netip.MustParsePrefix(addr), NICs: nics, DeclRange: rng("servers.hcl", line)}
	}
	nic := func(mac, purpose string, line int) inventory.NIC {
		return inventory.NIC{Name: "eth" + purpose[:1], MAC: mac, Purpose: purpose, Range: rng("servers.hcl", line)}
	}
	return &inventory.Inventory{
		Sites: []*inventory.Site{fra, ams},
		Servers: []*inventory.Server{
			server("fra1-web-2", "fra1", "10.11.0.12/24", 30, nic("52:54:00:11:00:12", "provisioning", 31), nic("52:54:00:11:01:12", "public", 32)),
			server("fra1-web-1", "fra1", "10.11.0.11/24", 10, nic("52:54:00:11:00:11", "provisioning", 11)),
			server("ams1-db-1", "ams1", "10.21.0.21/32", 50, nic("52:54:00:21:00:21", "provisioning", 51)),
			server("fra1-db-1", "fra1", "10.11.0.21/25", 70, nic("52:54:00:11:00:21", "provisioning", 71), nic("52:54:00:11:00:22", "provisioning", 72)),
		},
	}
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
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (rerun with -update if intended)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestBuildGolden(t *testing.T) {
	for _, site := range []string{"fra1", "ams1"} {
		t.Run(site, func(t *testing.T) {
			tab, err := Build(labInventory(), site)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, site+".golden", tab.String())
		})
	}
}

func TestBuildDeterministic(t *testing.T) {
	inv := labInventory()
	a, err := Build(inv, "fra1")
	if err != nil {
		t.Fatal(err)
	}
	// Same servers in another file order give the same table.
	inv2 := labInventory()
	for i, j := 0, len(inv2.Servers)-1; i < j; i, j = i+1, j-1 {
		inv2.Servers[i], inv2.Servers[j] = inv2.Servers[j], inv2.Servers[i]
	}
	b, err := Build(inv2, "fra1")
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("tables differ with server order:\n%s\n%s", a, b)
	}
}

func TestLookup(t *testing.T) {
	tab, err := Build(labInventory(), "fra1")
	if err != nil {
		t.Fatal(err)
	}
	mac, _ := net.ParseMAC("52:54:00:11:00:22")
	r, err := tab.Lookup(context.Background(), mac)
	if err != nil || r == nil {
		t.Fatalf("Lookup(%s) = %v, %v", mac, r, err)
	}
	if r.Hostname != "fra1-db-1" || r.Address != netip.MustParseAddr("10.11.0.21") || r.PrefixLen != 25 {
		t.Errorf("second provisioning NIC: got %+v", r)
	}
	if r.Mask().String() != "ffffff80" {
		t.Errorf("mask = %s, want ffffff80", r.Mask())
	}
	if got, want := r.ScriptURL(), "http://10.11.0.2:8080/boot/52:54:00:11:00:22.ipxe"; got != want {
		t.Errorf("script URL = %s, want %s", got, want)
	}
	public, _ := net.ParseMAC("52:54:00:11:01:12")
	if r, _ := tab.Lookup(context.Background(), public); r != nil {
		t.Errorf("public NIC %s must not be in the table, got %+v", public, r)
	}
	other, _ := net.ParseMAC("52:54:00:21:00:21")
	if r, _ := tab.Lookup(context.Background(), other); r != nil {
		t.Errorf("ams1 host must not be in the fra1 table, got %+v", r)
	}
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(inv *inventory.Inventory)
		site   string
		target error
		where  string
	}{
		{"unknown site", func(*inventory.Inventory) {}, "lon1", ErrUnknownSite, `"lon1"`},
		{"duplicate mac", func(inv *inventory.Inventory) { inv.Servers[1].NICs[0].MAC = "52:54:00:11:00:12" }, "fra1", ErrDuplicateMAC, "servers.hcl:11: mac"},
		{"bad mac", func(inv *inventory.Inventory) { inv.Servers[1].NICs[0].MAC = "52:54:00:11:00" }, "fra1", ErrBadMAC, "servers.hcl:11: mac"},
		{"outside network", func(inv *inventory.Inventory) { inv.Servers[1].Address = netip.MustParsePrefix("10.99.0.5/24") }, "fra1", ErrOutsideNetwork, "servers.hcl:10: address"},
		{"boot server address", func(inv *inventory.Inventory) { inv.Servers[1].Address = netip.MustParsePrefix("10.11.0.2/24") }, "fra1", ErrAddressInUse, "servers.hcl:10: address"},
		{"same address twice", func(inv *inventory.Inventory) { inv.Servers[1].Address = netip.MustParsePrefix("10.11.0.12/24") }, "fra1", ErrAddressInUse, "also given to \"fra1-web-2\" (servers.hcl:30)"},
		{"no provisioning nic", func(inv *inventory.Inventory) { inv.Servers[1].NICs[0].Purpose = "public" }, "fra1", ErrNoProvisioningNIC, "servers.hcl:10: nic"},
		{"ipv6 dns", func(inv *inventory.Inventory) {
			inv.Sites[0].Network.DNS = []netip.Addr{netip.MustParseAddr("2001:db8::53")}
		}, "fra1", ErrNotIPv4, "sites.hcl:3: network.dns"},
		{"boot url", func(inv *inventory.Inventory) { inv.Sites[0].Network.BootURL = "10.11.0.2:8080" }, "fra1", ErrBootURL, "sites.hcl:3: network.boot_url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := labInventory()
			c.edit(inv)
			tab, err := Build(inv, c.site)
			if err == nil {
				t.Fatalf("Build succeeded, want %v; table:\n%s", c.target, tab)
			}
			if tab != nil {
				t.Errorf("Build returned a table with an error")
			}
			if !errors.Is(err, c.target) {
				t.Errorf("error %q is not %v", err, c.target)
			}
			if !strings.Contains(err.Error(), c.where) {
				t.Errorf("error %q does not name %q", err, c.where)
			}
		})
	}
}

func TestBuildReportsAllErrors(t *testing.T) {
	inv := labInventory()
	inv.Servers[0].NICs[0].MAC = "zz"
	inv.Servers[1].Address = netip.MustParsePrefix("10.99.0.5/24")
	_, err := Build(inv, "fra1")
	if err == nil || !errors.Is(err, ErrBadMAC) || !errors.Is(err, ErrOutsideNetwork) {
		t.Fatalf("want both errors reported, got %v", err)
	}
}
