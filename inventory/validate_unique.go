package inventory

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// owner is who holds a unique value, for "already used by …" messages.
type owner struct {
	what string
	at   hcl.Range
}

// uniq reports the second holder of a value as an error.
type uniq struct {
	kind  string // e.g. "MAC address"
	seen  map[string]owner
	diags *hcl.Diagnostics
	fold  bool // compare without case (serial numbers)
}

func (u *uniq) claim(value, what string, at hcl.Range) bool {
	key := value
	if u.fold {
		key = strings.ToUpper(value)
	}
	if prev, ok := u.seen[key]; ok {
		*u.diags = append(*u.diags, errorAt(at, "Duplicate "+u.kind,
			"%s: %s %s is already used by %s (%s).", what, u.kind, value, prev.what, where(prev.at)))
		return false
	}
	u.seen[key] = owner{what, at}
	return true
}

// checkUnique reports MACs, serials (of servers and of disks), BMC
// addresses and IP addresses held twice. MACs are compared normalized, so
// two spellings of one MAC collide.
func checkUnique(inv *Inventory) hcl.Diagnostics {
	var diags hcl.Diagnostics
	n := len(inv.Servers)
	macs := &uniq{kind: "MAC address", seen: make(map[string]owner, 2*n), diags: &diags}
	serials := &uniq{kind: "serial", seen: make(map[string]owner, n), diags: &diags, fold: true}
	disks := &uniq{kind: "disk serial", seen: make(map[string]owner, 2*n), diags: &diags, fold: true}
	bmcs := &uniq{kind: "BMC address", seen: make(map[string]owner, n), diags: &diags}
	ips := &uniq{kind: "IP address", seen: make(map[string]owner, 2*n), diags: &diags}

	for _, s := range inv.Sites {
		claimIP(ips, s.Network.BootServer, fmt.Sprintf("site %q boot_server", s.Name), s.Network.Attrs.Of("boot_server", s.Network.Range))
		claimIP(ips, s.Network.Gateway, fmt.Sprintf("site %q gateway", s.Name), s.Network.Attrs.Of("gateway", s.Network.Range))
	}
	if svc := inv.Service; svc != nil {
		for _, site := range sortedKeys(svc.VIPs) {
			ip, err := netip.ParseAddr(svc.VIPs[site])
			at := svc.Attrs.Of("vips", svc.DeclRange)
			if err != nil {
				diags = append(diags, errorAt(at, "Invalid VIP", "service \"mail\": \"vips\" %s = %q is not an IP address.", site, svc.VIPs[site]))
				continue
			}
			claimIP(ips, ip, fmt.Sprintf("service \"mail\" vip of %s", site), at)
		}
	}
	for _, s := range inv.Servers {
		who := fmt.Sprintf("server %q", s.Name)
		for _, nic := range s.NICs {
			if nic.MAC != "" {
				macs.claim(nic.MAC, fmt.Sprintf("%s nic %q", who, nic.Name), nic.Attrs.Of("mac", nic.Range))
			}
		}
		if s.Serial != "" {
			serials.claim(s.Serial, who, s.Attrs.Of("serial", s.DeclRange))
		}
		for _, d := range s.Disks {
			if d.Serial != "" {
				disks.claim(d.Serial, fmt.Sprintf("%s disk %q", who, d.Name), d.Attrs.Of("serial", d.Range))
			}
		}
		bmcAt := s.BMC.Attrs.Of("address", s.BMC.Range)
		if s.BMC.Address.IsValid() {
			if bmcs.claim(s.BMC.Address.String(), who+" bmc", bmcAt) {
				claimIP(ips, s.BMC.Address, who+" bmc", bmcAt)
			}
		}
		if s.Address.IsValid() {
			claimIP(ips, s.Address.Addr(), who, s.Attrs.Of("address", s.DeclRange))
		}
	}
	return diags
}

func claimIP(u *uniq, ip netip.Addr, what string, at hcl.Range) {
	if ip.IsValid() {
		u.claim(ip.String(), what, at)
	}
}
