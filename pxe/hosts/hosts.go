// Package hosts turns a stack's inventory into the boot server's host table:
// for one site, every provisioning NIC's MAC mapped to the fixed address,
// mask, router, DNS servers, hostname and boot server the DHCP server hands
// out. Building the table is a pure function of the inventory; the table
// itself is read-only and safe for concurrent lookups.
package hosts

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
)

// Reservation is what the boot server knows of one host's provisioning NIC.
type Reservation struct {
	MAC        net.HardwareAddr
	Hostname   string
	Site       string
	Address    netip.Addr // fixed address on the provisioning network
	PrefixLen  int        // mask length of Address
	Router     netip.Addr // zero when the network has no gateway
	DNS        []netip.Addr
	BootServer netip.Addr // siaddr: TFTP and next-server
	BootURL    string     // base URL of the boot server's HTTP, no trailing slash
}

// Mask returns the subnet mask of the reservation's address.
func (r *Reservation) Mask() net.IPMask { return net.CIDRMask(r.PrefixLen, 32) }

// ScriptURL is the per-host iPXE script URL: BootURL/boot/{mac}.ipxe.
func (r *Reservation) ScriptURL() string { return ScriptURL(r.BootURL, r.MAC) }

// ScriptURL is the iPXE script URL of mac at the boot server whose HTTP base
// URL is base (contract: GET /boot/{mac}.ipxe, mac lowercase colon form).
func ScriptURL(base string, mac net.HardwareAddr) string {
	return strings.TrimRight(base, "/") + "/boot/" + mac.String() + ".ipxe"
}

// Table is the host table of one site, keyed by MAC.
type Table struct {
	site   string
	byMAC  map[[6]byte]*Reservation
	sorted []*Reservation
}

// Site is the site the table was built for.
func (t *Table) Site() string { return t.site }

// Len is the number of reservations.
func (t *Table) Len() int { return len(t.sorted) }

// All returns the reservations ordered by MAC. Callers must not modify them.
func (t *Table) All() []*Reservation { return t.sorted }

// Get returns mac's reservation, or nil.
func (t *Table) Get(mac net.HardwareAddr) *Reservation {
	if len(mac) != 6 {
		return nil
	}
	return t.byMAC[[6]byte(mac)]
}

// Lookup returns mac's reservation, or (nil, nil) for a MAC the table does
// not hold. It never fails; the signature matches the DHCP server's backend.
func (t *Table) Lookup(_ context.Context, mac net.HardwareAddr) (*Reservation, error) {
	return t.Get(mac), nil
}

// String renders the table one reservation per line, ordered by MAC: the
// form the golden files hold.
func (t *Table) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "site %s: %d reservations\n", t.site, len(t.sorted))
	for _, r := range t.sorted {
		dns := make([]string, len(r.DNS))
		for i, d := range r.DNS {
			dns[i] = d.String()
		}
		router := "-"
		if r.Router.IsValid() {
			router = r.Router.String()
		}
		fmt.Fprintf(&b, "%s %s %s/%d router=%s dns=%s next=%s script=%s\n",
			r.MAC, r.Hostname, r.Address, r.PrefixLen, router,
			strings.Join(dns, ","), r.BootServer, r.ScriptURL())
	}
	return b.String()
}

func newTable(site string, rs []*Reservation) *Table {
	t := &Table{site: site, byMAC: make(map[[6]byte]*Reservation, len(rs)), sorted: rs}
	sort.Slice(rs, func(i, j int) bool { return rs[i].MAC.String() < rs[j].MAC.String() })
	for _, r := range rs {
		t.byMAC[[6]byte(r.MAC)] = r // Build accepts 48-bit MACs only
	}
	return t
}
