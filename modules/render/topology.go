package render

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
)

// Role names the renderers know.
const (
	RoleLB        = "lb"
	RoleWeb       = "web"
	RoleMX        = "mx"
	RoleDB        = "db"
	RoleDBReplica = "db-replica"
	RoleDNS       = "dns"
	RoleMonitor   = "monitor"
)

// Roles lists every role racksmith renders, in rendering order.
var Roles = []string{RoleLB, RoleWeb, RoleMX, RoleDB, RoleDBReplica, RoleDNS, RoleMonitor}

// Host is a server as the renderers see it.
type Host struct {
	Name   string
	Site   string
	Addr   netip.Addr   // service address (the server's address)
	Prefix netip.Prefix // the server's address with its prefix length
	Iface  string       // interface carrying Addr: the provisioning NIC
	Roles  []string
	PDUs   []string // PDUs its PSUs are plugged into, sorted, unique
	Server *inventory.Server
}

// Has reports whether the host carries role.
func (h *Host) Has(role string) bool {
	for _, r := range h.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Topology is the inventory arranged for rendering: hosts sorted by name,
// sites sorted by name, the mail service's settings parsed.
type Topology struct {
	Inv         *inventory.Inventory
	Domains     []string
	PrimarySite string
	Sites       []string                // every site, sorted
	VIPs        map[string]netip.Prefix // site -> floating address with prefix length
	Hosts       []*Host                 // every server, sorted by name

	sites map[string]*inventory.Site
	roles map[string]*inventory.Role
}

// New arranges inv for rendering and checks it satisfies what the renderers
// need. With error diagnostics the Topology must not be rendered.
func New(inv *inventory.Inventory) (*Topology, hcl.Diagnostics) {
	t := &Topology{
		Inv:   inv,
		VIPs:  map[string]netip.Prefix{},
		sites: map[string]*inventory.Site{},
		roles: map[string]*inventory.Role{},
	}
	for _, s := range inv.Sites {
		t.sites[s.Name] = s
		t.Sites = append(t.Sites, s.Name)
	}
	sort.Strings(t.Sites)
	for _, r := range inv.Roles {
		t.roles[r.Name] = r
	}
	for _, s := range inv.Servers {
		t.Hosts = append(t.Hosts, newHost(s))
	}
	sort.Slice(t.Hosts, func(i, j int) bool { return t.Hosts[i].Name < t.Hosts[j].Name })
	var diags hcl.Diagnostics
	if svc := inv.Service; svc != nil {
		t.Domains = append(t.Domains, svc.Domains...)
		t.PrimarySite = svc.PrimarySite
		diags = append(diags, t.parseVIPs(svc)...)
	}
	diags = append(diags, check(t)...)
	return t, diags
}

func newHost(s *inventory.Server) *Host {
	h := &Host{Name: s.Name, Site: s.Site, Prefix: s.Address, Addr: s.Address.Addr(), Server: s, Iface: "eth0"}
	h.Roles = append(h.Roles, s.Roles...)
	for _, purpose := range []string{"provisioning", "public"} {
		if n := nicFor(s, purpose); n != "" {
			h.Iface = n
			break
		}
	}
	seen := map[string]bool{}
	for _, p := range s.PSUs {
		if p.PDU != "" && !seen[p.PDU] {
			seen[p.PDU] = true
			h.PDUs = append(h.PDUs, p.PDU)
		}
	}
	sort.Strings(h.PDUs)
	return h
}

func nicFor(s *inventory.Server, purpose string) string {
	for _, n := range s.NICs {
		if n.Purpose == purpose && n.Name != "" {
			return n.Name
		}
	}
	return ""
}

func (t *Topology) parseVIPs(svc *inventory.Service) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for site, v := range svc.VIPs {
		p, err := parseVIP(v, t.sites[site])
		if err != nil {
			diags = append(diags, errorf(&svc.DeclRange, "Invalid service VIP",
				"service.vips[%q] = %q: %v.", site, v, err))
			continue
		}
		t.VIPs[site] = p
	}
	return diags
}

func parseVIP(v string, site *inventory.Site) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		return netip.ParsePrefix(v)
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	bits := a.BitLen()
	if site != nil && site.Network.Prefix.IsValid() && site.Network.Prefix.Addr().Is4() == a.Is4() {
		bits = site.Network.Prefix.Bits()
	}
	return netip.PrefixFrom(a, bits), nil
}

// Site returns the inventory site called name, or nil.
func (t *Topology) Site(name string) *inventory.Site { return t.sites[name] }

// Role returns the inventory role called name, or nil when none is declared.
func (t *Topology) Role(name string) *inventory.Role { return t.roles[name] }

// With returns the hosts carrying role in site, sorted by name; site ""
// means every site.
func (t *Topology) With(role, site string) []*Host {
	var out []*Host
	for _, h := range t.Hosts {
		if h.Has(role) && (site == "" || h.Site == site) {
			out = append(out, h)
		}
	}
	return out
}

// SitesOf returns the sorted sites where role has hosts or must run.
func (t *Topology) SitesOf(role string) []string {
	set := map[string]bool{}
	for _, h := range t.With(role, "") {
		set[h.Site] = true
	}
	for _, s := range t.requiredSites(role) {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// requiredSites is where a declared role must run: its sites, else every
// site. An undeclared role has no requirement.
func (t *Topology) requiredSites(role string) []string {
	r := t.roles[role]
	if r == nil {
		return nil
	}
	if len(r.Sites) > 0 {
		return r.Sites
	}
	return t.Sites
}

// OtherSites returns every site but site, sorted.
func (t *Topology) OtherSites(site string) []string {
	var out []string
	for _, s := range t.Sites {
		if s != site {
			out = append(out, s)
		}
	}
	return out
}

// Domain is the first mail domain: hosts are named under it.
func (t *Topology) Domain() string {
	if len(t.Domains) == 0 {
		return ""
	}
	return t.Domains[0]
}

// FQDN is host's fully qualified name under the first domain.
func (t *Topology) FQDN(h *Host) string { return h.Name + "." + t.Domain() }

// Addrs returns the addresses of hosts.
func Addrs(hosts []*Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.Addr.String()
	}
	return out
}

// Names returns the names of hosts.
func Names(hosts []*Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.Name
	}
	return out
}
