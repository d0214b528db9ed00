// Package dns renders the dns role: authoritative Knot DNS in every site,
// the first dns host of the primary site as primary and every other dns
// host as its secondary (notify and zone transfer, restricted by ACL), and
// one zone per mail domain with SOA, NS, MX (each site's mx hosts), SPF,
// DMARC, the sites' floating addresses and an address record per server.
package dns

import (
	"embed"
	"fmt"
	"strings"

	"github.com/racksmith/racksmith/modules/render"
)

// Paths of the files rendered on dns hosts: the config on all, the zone
// files under ZoneDir on the primary.
const (
	ConfigPath = "/etc/knot/knot.conf"
	ZoneDir    = "/var/lib/knot/zones"
)

// ZonePath is where the primary keeps domain's zone file.
func ZonePath(domain string) string { return ZoneDir + "/" + domain + ".zone" }

//go:embed templates/*.tmpl
var tmplFS embed.FS

var tmpl = render.Templates(tmplFS, "templates")

type remote struct{ Name, Addr string }

type confData struct {
	Host, Site, Addr, PrimaryName, PrimaryAddr, ZoneDir string
	Port                                                int
	Primary                                             bool
	Remotes                                             []remote
	RemoteNames, RemoteAddrs, Domains                   []string
}

type mx struct {
	Pref int
	Name string
}

type record struct{ Name, Type, Addr string }

type zoneData struct {
	Domain, PrimaryName, MName, SPF string
	NS, VIPs                        []string
	MX                              []mx
	Hosts                           []record
}

// Primary is the dns host serving the zone files: the first of the
// primary site, else the first of all.
func Primary(t *render.Topology) *render.Host {
	if hs := t.With(render.RoleDNS, t.PrimarySite); len(hs) > 0 {
		return hs[0]
	}
	if hs := t.With(render.RoleDNS, ""); len(hs) > 0 {
		return hs[0]
	}
	return nil
}

// Render renders every dns host's knot.conf and the primary's zone files.
func Render(t *render.Topology) render.HostFiles {
	out := render.HostFiles{}
	primary := Primary(t)
	if primary == nil {
		return out
	}
	all := t.With(render.RoleDNS, "")
	var secondaries []*render.Host
	for _, h := range all {
		if h != primary {
			secondaries = append(secondaries, h)
		}
	}
	for _, h := range all {
		d := confData{
			Host: h.Name, Site: h.Site, Addr: h.Addr.String(), PrimaryName: primary.Name, PrimaryAddr: primary.Addr.String(),
			ZoneDir: ZoneDir, Port: render.PortDNS, Primary: h == primary, Domains: t.Domains,
		}
		remotes := []*render.Host{primary}
		if d.Primary {
			remotes = secondaries
		}
		for _, r := range remotes {
			d.Remotes = append(d.Remotes, remote{Name: r.Name, Addr: r.Addr.String()})
			d.RemoteNames = append(d.RemoteNames, r.Name)
			d.RemoteAddrs = append(d.RemoteAddrs, r.Addr.String())
		}
		out.Add(h.Name, render.Text(ConfigPath, 0o644, render.Exec(tmpl, "knot.conf.tmpl", d)))
	}
	for i, domain := range t.Domains {
		out.Add(primary.Name, render.Text(ZonePath(domain), 0o644, render.Exec(tmpl, "zone.tmpl", zone(t, primary, domain, i == 0))))
	}
	return out
}

func zone(t *render.Topology, primary *render.Host, domain string, hosts bool) zoneData {
	z := zoneData{Domain: domain, PrimaryName: primary.Name, MName: t.FQDN(primary)}
	for _, h := range t.With(render.RoleDNS, "") {
		z.NS = append(z.NS, t.FQDN(h))
	}
	var senders []string
	for _, site := range append([]string{t.PrimarySite}, t.OtherSites(t.PrimarySite)...) {
		pref := 10
		if site != t.PrimarySite {
			pref = 20 // mail lands next to the store first
		}
		for _, h := range t.With(render.RoleMX, site) {
			z.MX = append(z.MX, mx{Pref: pref, Name: t.FQDN(h)})
			senders = append(senders, mechanism(h.Addr.Is4())+h.Addr.String())
		}
	}
	z.SPF = txt("v=spf1 " + strings.Join(append(senders, "-all"), " "))
	for _, site := range t.Sites {
		if v, ok := t.VIPs[site]; ok {
			z.VIPs = append(z.VIPs, v.Addr().String())
		}
	}
	if hosts {
		for _, h := range t.Hosts {
			if !h.Addr.IsValid() {
				continue
			}
			typ := "A"
			if h.Addr.Is6() {
				typ = "AAAA"
			}
			z.Hosts = append(z.Hosts, record{Name: h.Name, Type: typ, Addr: h.Addr.String()})
		}
	}
	return z
}

func mechanism(v4 bool) string {
	if v4 {
		return "ip4:"
	}
	return "ip6:"
}

// txt quotes s as TXT character strings of at most 255 bytes each.
func txt(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, fmt.Sprintf("%q", s[:255]))
		s = s[255:]
	}
	return strings.Join(append(parts, fmt.Sprintf("%q", s)), " ")
}
