package inventory

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// Registration is a server as a rack technician registers it. On an update
// of an existing server, zero fields keep what the inventory says, and a
// non-empty list replaces the whole list.
type Registration struct {
	Name          string
	Site          string
	Rack          string
	U             int
	Height        int
	Model         string
	Serial        string
	Address       string // CIDR on the site's provisioning network; allocated when empty
	Image         string
	Roles         []string
	NICs          []RegNIC // the first is the provisioning NIC
	BMC           string   // address
	BMCCredential string
	PSUs          []RegPSU
	Disks         []RegDisk
	RAIDLevel     int // 0: chosen from the disk count
}

// RegNIC is a NIC to register.
type RegNIC struct {
	Name string
	MAC  string
}

// RegPSU is a power supply to register.
type RegPSU struct {
	PDU    string
	Outlet int
	Watts  int
}

// RegDisk is a disk to register.
type RegDisk struct {
	Name      string
	Serial    string
	Path      string
	SizeBytes int64
}

// DefaultPSUWatts is the draw assumed for a PSU registered without one.
const DefaultPSUWatts = 300

// normalize checks the registration's own fields and normalizes MACs.
func (r *Registration) normalize() error {
	if r.Name == "" {
		return errors.New("registration needs a server name")
	}
	var errs []error
	for i := range r.NICs {
		mac, err := NormalizeMAC(r.NICs[i].MAC)
		if err != nil {
			errs = append(errs, fmt.Errorf("mac %d: %w", i+1, err))
			continue
		}
		r.NICs[i].MAC = mac
		if r.NICs[i].Name == "" {
			r.NICs[i].Name = fmt.Sprintf("eth%d", i)
		}
	}
	for i, p := range r.PSUs {
		if p.PDU == "" || p.Outlet < 1 {
			errs = append(errs, fmt.Errorf("psu %d: want pdu:outlet[:watts] with outlet ≥ 1", i+1))
		}
		if p.Watts == 0 {
			r.PSUs[i].Watts = DefaultPSUWatts
		}
	}
	if r.BMC != "" {
		if _, err := netip.ParseAddr(r.BMC); err != nil {
			errs = append(errs, fmt.Errorf("bmc address: %w", err))
		}
	}
	if r.Address != "" {
		if _, err := netip.ParsePrefix(r.Address); err != nil {
			errs = append(errs, fmt.Errorf("address: want CIDR such as 10.11.0.23/24: %w", err))
		}
	}
	return errors.Join(errs...)
}

// conflicts reports everything the registered server would take from
// another server: rack units, PDU outlets, MACs, serial, BMC address and
// IP address.
func conflicts(inv *Inventory, s *Server) error {
	var errs []error
	taken := func(what string, other *Server) {
		errs = append(errs, fmt.Errorf("%w: %s is taken by server %q (%s)", ErrConflict, what, other.Name, where(other.DeclRange)))
	}
	for _, o := range inv.Servers {
		if o.Name == s.Name {
			continue
		}
		if o.Rack == s.Rack && o.U <= s.U+s.Height-1 && s.U <= o.U+o.Height-1 {
			taken(fmt.Sprintf("rack %s U %d–%d", s.Rack, s.U, s.U+s.Height-1), o)
		}
		for _, p := range s.PSUs {
			for _, q := range o.PSUs {
				if p.PDU == q.PDU && p.Outlet == q.Outlet {
					taken(fmt.Sprintf("outlet %d of pdu %s", p.Outlet, p.PDU), o)
				}
			}
		}
		for _, n := range s.NICs {
			if slices.ContainsFunc(o.NICs, func(m NIC) bool { return m.MAC == n.MAC }) {
				taken("MAC "+n.MAC, o)
			}
		}
		if s.Serial != "" && o.Serial == s.Serial {
			taken("serial "+s.Serial, o)
		}
		if s.BMC.Address.IsValid() && o.BMC.Address == s.BMC.Address {
			taken("BMC address "+s.BMC.Address.String(), o)
		}
		if s.Address.IsValid() && o.Address.Addr() == s.Address.Addr() {
			taken("address "+s.Address.Addr().String(), o)
		}
	}
	return errors.Join(errs...)
}

// nextFreeAddress picks the lowest address of the site's network from host
// number 21 upwards (the first twenty are left to gateways, boot servers
// and VIPs) that nothing in the inventory uses.
func nextFreeAddress(inv *Inventory, site *Site) (netip.Prefix, error) {
	used := map[netip.Addr]bool{site.Network.Gateway: true, site.Network.BootServer: true}
	for _, s := range inv.Servers {
		used[s.Address.Addr()] = true
		used[s.BMC.Address] = true
	}
	if inv.Service != nil {
		for _, v := range inv.Service.VIPs {
			if ip, err := netip.ParseAddr(v); err == nil {
				used[ip] = true
			}
		}
	}
	p := site.Network.Prefix.Masked()
	a := p.Addr()
	for range 20 {
		a = a.Next()
	}
	for a = a.Next(); p.Contains(a); a = a.Next() {
		if !used[a] && p.Contains(a.Next()) { // a.Next() in prefix: not the broadcast address
			return netip.PrefixFrom(a, p.Bits()), nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("site %s: no free address left in %s", site.Name, p)
}
