// Package testinv builds small in-memory inventories for the role
// renderers' tests: two sites, every role, and ways to break them.
package testinv

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
)

// Two returns a two-site inventory (fra1 primary, ams1) carrying every role.
// Each block's range points at a fake file line so diagnostics can be
// checked for their subject.
func Two() *inventory.Inventory {
	inv := &inventory.Inventory{Dir: "testinv"}
	line := 0
	rng := func() hcl.Range {
		line++
		return hcl.Range{Filename: "testinv/fleet.hcl", Start: hcl.Pos{Line: line, Column: 1}, End: hcl.Pos{Line: line, Column: 10}}
	}
	for i, s := range []string{"fra1", "ams1"} {
		n := 11 + 10*i
		inv.Sites = append(inv.Sites, &inventory.Site{Name: s, DeclRange: rng(), Network: inventory.Network{
			Prefix:     netip.MustParsePrefix(fmt.Sprintf("10.%d.0.0/24", n)),
			Gateway:    netip.MustParseAddr(fmt.Sprintf("10.%d.0.1", n)),
			BootServer: netip.MustParseAddr(fmt.Sprintf("10.%d.0.2", n)),
			BootURL:    fmt.Sprintf("http://10.%d.0.2:8080", n),
		}})
		for _, feed := range []string{"a", "b", "c"} {
			inv.PDUs = append(inv.PDUs, &inventory.PDU{Name: s + "-pdu-" + feed, Site: s, Feed: feed, CapacityW: 5000, DeclRange: rng()})
		}
	}
	roles := []struct {
		name    string
		perSite int
		sites   []string
		count   map[string]int
	}{
		{"lb", 2, nil, map[string]int{"fra1": 2, "ams1": 2}},
		{"web", 2, nil, map[string]int{"fra1": 2, "ams1": 2}},
		{"mx", 2, nil, map[string]int{"fra1": 2, "ams1": 2}},
		{"db", 3, []string{"fra1"}, map[string]int{"fra1": 3}},
		{"db-replica", 3, []string{"ams1"}, map[string]int{"ams1": 3}},
		{"dns", 1, nil, map[string]int{"fra1": 2, "ams1": 1}},
		{"monitor", 1, nil, map[string]int{"fra1": 1, "ams1": 1}},
	}
	host := map[string]int{"fra1": 20, "ams1": 20}
	for _, r := range roles {
		inv.Roles = append(inv.Roles, &inventory.Role{Name: r.name, PerSite: r.perSite, Sites: r.sites, DeclRange: rng()})
		for _, site := range []string{"fra1", "ams1"} {
			for i := 1; i <= r.count[site]; i++ {
				host[site]++
				net := 11
				if site == "ams1" {
					net = 21
				}
				pdus := []string{site + "-pdu-a", site + "-pdu-b"}
				if r.name == "db" { // single-PSU nodes on three different PDUs
					pdus = []string{site + "-pdu-" + string(rune('a'+i-1))}
				}
				srv := &inventory.Server{
					Name:      fmt.Sprintf("%s-%s-%02d", r.name, site, i),
					Site:      site,
					Roles:     []string{r.name},
					Address:   netip.MustParsePrefix(fmt.Sprintf("10.%d.0.%d/24", net, host[site])),
					NICs:      []inventory.NIC{{Name: "eth0", Purpose: "provisioning", MAC: fmt.Sprintf("52:54:00:%02x:00:%02x", net, host[site])}},
					DeclRange: rng(),
				}
				for _, p := range pdus {
					srv.PSUs = append(srv.PSUs, inventory.PSU{PDU: p, Watts: 300})
				}
				inv.Servers = append(inv.Servers, srv)
			}
		}
	}
	inv.Service = &inventory.Service{
		Domains:     []string{"example.org", "example.net"},
		PrimarySite: "fra1",
		VIPs:        map[string]string{"fra1": "10.11.0.100", "ams1": "10.21.0.100"},
		DeclRange:   rng(),
	}
	return inv
}

// Server returns the server called name in inv, or panics.
func Server(inv *inventory.Inventory, name string) *inventory.Server {
	for _, s := range inv.Servers {
		if s.Name == name {
			return s
		}
	}
	panic("testinv: no server " + name)
}

// Role returns the role called name in inv, or panics.
func Role(inv *inventory.Inventory, name string) *inventory.Role {
	for _, r := range inv.Roles {
		if r.Name == name {
			return r
		}
	}
	panic("testinv: no role " + name)
}
