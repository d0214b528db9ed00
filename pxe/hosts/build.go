package hosts

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
)

// PurposeProvisioning is the NIC purpose the boot server answers for.
const PurposeProvisioning = "provisioning"

// Build returns the host table of site: one reservation per provisioning NIC
// of every server in that site. It checks what the DHCP server depends on
// and reports every problem found, each naming its file:line and field;
// on error it returns no table.
func Build(inv *inventory.Inventory, site string) (*Table, error) {
	if inv == nil {
		return nil, fmt.Errorf("build host table: %w", ErrNoInventory)
	}
	var s *inventory.Site
	for _, cand := range inv.Sites {
		if cand.Name == site {
			s = cand
			break
		}
	}
	if s == nil {
		return nil, fmt.Errorf("build host table: site %q: %w", site, ErrUnknownSite)
	}
	var errs []error
	nw := s.Network
	if !nw.Prefix.IsValid() || !nw.Prefix.Addr().Is4() {
		errs = append(errs, fieldErr(nw.Range, "network.prefix", "%w: %q", ErrNotIPv4, nw.Prefix))
	}
	if !nw.BootServer.Is4() {
		errs = append(errs, fieldErr(nw.Range, "network.boot_server", "%w: %q", ErrNotIPv4, nw.BootServer))
	}
	if !strings.HasPrefix(nw.BootURL, "http://") && !strings.HasPrefix(nw.BootURL, "https://") {
		errs = append(errs, fieldErr(nw.Range, "network.boot_url", "%w: %q", ErrBootURL, nw.BootURL))
	}
	if nw.Gateway.IsValid() && !nw.Gateway.Is4() {
		errs = append(errs, fieldErr(nw.Range, "network.gateway", "%w: %q", ErrNotIPv4, nw.Gateway))
	}
	var dns []netip.Addr
	for _, d := range nw.DNS {
		if !d.Is4() {
			errs = append(errs, fieldErr(nw.Range, "network.dns", "%w: %q", ErrNotIPv4, d))
			continue
		}
		dns = append(dns, d)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	var rs []*Reservation
	seenMAC := map[string]*inventory.NIC{}
	seenAddr := map[netip.Addr]*inventory.Server{}
	for _, srv := range inv.Servers {
		if srv.Site != site {
			continue
		}
		nics := provisioningNICs(srv)
		if len(nics) == 0 {
			errs = append(errs, fieldErr(srv.DeclRange, "nic", "server %q: %w", srv.Name, ErrNoProvisioningNIC))
			continue
		}
		addr := srv.Address
		switch {
		case !addr.IsValid() || !addr.Addr().Is4():
			errs = append(errs, fieldErr(srv.DeclRange, "address", "server %q: %w: %q", srv.Name, ErrNotIPv4, addr))
			continue
		case !nw.Prefix.Contains(addr.Addr()):
			errs = append(errs, fieldErr(srv.DeclRange, "address", "server %q: %w: %s not in %s", srv.Name, ErrOutsideNetwork, addr.Addr(), nw.Prefix))
			continue
		case addr.Addr() == nw.BootServer || addr.Addr() == nw.Gateway:
			errs = append(errs, fieldErr(srv.DeclRange, "address", "server %q: %w: %s", srv.Name, ErrAddressInUse, addr.Addr()))
			continue
		}
		if other, dup := seenAddr[addr.Addr()]; dup {
			errs = append(errs, fieldErr(srv.DeclRange, "address", "server %q: %w: %s also given to %q (%s)",
				srv.Name, ErrAddressInUse, addr.Addr(), other.Name, rangeString(other.DeclRange)))
			continue
		}
		seenAddr[addr.Addr()] = srv
		bits := addr.Bits()
		if bits == 32 || bits == 0 {
			bits = nw.Prefix.Bits()
		}
		for _, nic := range nics {
			mac, err := net.ParseMAC(nic.MAC)
			if err != nil || len(mac) != 6 {
				errs = append(errs, fieldErr(nic.Range, "mac", "server %q nic %q: %w: %q", srv.Name, nic.Name, ErrBadMAC, nic.MAC))
				continue
			}
			if other, dup := seenMAC[mac.String()]; dup {
				errs = append(errs, fieldErr(nic.Range, "mac", "server %q nic %q: %w: %s also at %s",
					srv.Name, nic.Name, ErrDuplicateMAC, mac, rangeString(other.Range)))
				continue
			}
			seenMAC[mac.String()] = nic
			rs = append(rs, &Reservation{
				MAC:        mac,
				Hostname:   srv.Name,
				Site:       site,
				Address:    addr.Addr(),
				PrefixLen:  bits,
				Router:     nw.Gateway,
				DNS:        dns,
				BootServer: nw.BootServer,
				BootURL:    strings.TrimRight(nw.BootURL, "/"),
			})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return newTable(site, rs), nil
}

func provisioningNICs(srv *inventory.Server) []*inventory.NIC {
	var out []*inventory.NIC
	for i := range srv.NICs {
		if srv.NICs[i].Purpose == PurposeProvisioning {
			out = append(out, &srv.NICs[i])
		}
	}
	return out
}

// fieldErr is an error naming the file:line of rng and the field at fault.
func fieldErr(rng hcl.Range, field, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", rangeString(rng), field, fmt.Errorf(format, args...))
}

func rangeString(rng hcl.Range) string {
	if rng.Filename == "" {
		return "<unknown>"
	}
	return fmt.Sprintf("%s:%d", rng.Filename, rng.Start.Line)
}
