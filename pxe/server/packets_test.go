package server

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/hosts"
)

func labSite(t *testing.T, name string) (*inventory.Inventory, *inventory.Site, *hosts.Table) {
	t.Helper()
	inv, diags := inventory.Load("../../stacks/lab")
	if diags.HasErrors() {
		t.Fatalf("lab inventory: %s", diags.Error())
	}
	for _, s := range inv.Sites {
		if s.Name == name {
			tab, err := hosts.Build(inv, name)
			if err != nil {
				t.Fatal(err)
			}
			return inv, s, tab
		}
	}
	t.Fatalf("no site %s", name)
	return nil, nil, nil
}

func TestDHCPConfigDeterministic(t *testing.T) {
	_, site, tab := labSite(t, "fra1")
	a, err := DHCPConfig(site, tab, PacketOptions{Discovery: true})
	if err != nil {
		t.Fatal(err)
	}
	_, site2, tab2 := labSite(t, "fra1")
	b, _ := DHCPConfig(site2, tab2, PacketOptions{Discovery: true})
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two loads of one inventory give different DHCP configs:\n%+v\n%+v", a, b)
	}
	if a.Mode != dhcp.ModeReservation || a.ServerIP != netip.MustParseAddr("10.11.0.2") || a.BootURL != "http://10.11.0.2:8080" {
		t.Errorf("config: %+v", a)
	}
	if p := a.Discovery; p == nil || p.Start != netip.MustParseAddr("10.11.0.192") || p.End != netip.MustParseAddr("10.11.0.254") || p.PrefixLen != 24 {
		t.Errorf("discovery pool: %+v", a.Discovery)
	}
	if p, _ := DHCPConfig(site, tab, PacketOptions{Proxy: true}); p.Mode != dhcp.ModeProxy || p.Discovery != nil {
		t.Errorf("proxy: %+v", p)
	}
}

func TestDiscoveryPoolRefusesReservations(t *testing.T) {
	inv, site, _ := labSite(t, "fra1")
	for _, srv := range inv.Servers {
		if srv.Site == "fra1" {
			srv.Address = netip.MustParsePrefix("10.11.0.200/24") // inside .192-.254
			break
		}
	}
	tab, err := hosts.Build(inv, "fra1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DHCPConfig(site, tab, PacketOptions{Discovery: true}); !errors.Is(err, ErrConfig) {
		t.Fatalf("pool over a reservation accepted: %v", err)
	}
	if _, err := DHCPConfig(site, tab, PacketOptions{}); err != nil {
		t.Fatalf("without discovery: %v", err)
	}
	s := *site
	s.Network.Prefix = netip.MustParsePrefix("10.11.0.0/29")
	if _, err := DHCPConfig(&s, tab, PacketOptions{Discovery: true}); !errors.Is(err, ErrConfig) {
		t.Fatalf("/29 accepted: %v", err)
	}
}

func TestListenFromBootURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://10.11.0.2:8080":  "10.11.0.2:8080",
		"http://10.11.0.2/":      "10.11.0.2:80",
		"https://boot.example":   "boot.example:443",
		"http://[fd00::2]:8080/": "[fd00::2]:8080",
	} {
		if got, err := ListenFromBootURL(in); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"10.11.0.2:8080", "ftp://x", ""} {
		if _, err := ListenFromBootURL(in); !errors.Is(err, ErrConfig) {
			t.Errorf("%q accepted", in)
		}
	}
}
