// Package lb renders the load balancer role: HAProxy in front of the web
// (443, TLS passed through to nginx) and mail front ends (25, 465, 587 to the
// mx hosts), and keepalived VRRP moving the site's floating address between
// the site's load balancers. Backends are the role's hosts in the same site,
// with the other sites' hosts as backup servers.
package lb

import (
	"embed"
	"net/netip"

	"github.com/racksmith/racksmith/modules/render"
)

// Paths of the files rendered on every lb host.
const (
	HAProxyPath    = "/etc/haproxy/haproxy.cfg"
	KeepalivedPath = "/etc/keepalived/keepalived.conf"
	SysctlPath     = "/etc/sysctl.d/60-racksmith-lb.conf"
)

//go:embed templates/*.tmpl
var tmplFS embed.FS

var tmpl = render.Templates(tmplFS, "templates")

type server struct {
	Name   string
	Addr   string // host:port
	Backup bool
}

type mailFront struct {
	Name      string
	Port      int
	SMTPCheck bool
	Servers   []server
}

type haproxyData struct {
	Host, Site, FQDN, VIP, HealthPath string
	HTTPSPort, HealthPort, StatsPort  int
	Web                               []server
	Mail                              []mailFront
}

type keepalivedData struct {
	Host, Site, Instance, Iface, Addr, VIP, VIPPrefix string
	RouterID, Priority                                int
	Peers                                             []string
}

// Render renders every lb host's files. t must have passed render.New's
// checks (every lb site has a VIP).
func Render(t *render.Topology) render.HostFiles {
	out := render.HostFiles{}
	for si, site := range t.Sites {
		lbs := t.With(render.RoleLB, site)
		vip, ok := t.VIPs[site]
		if len(lbs) == 0 || !ok {
			continue
		}
		var mail []mailFront
		for _, m := range []struct {
			name string
			port int
		}{{"smtp", render.PortSMTP}, {"submissions", render.PortSubmissions}, {"submission", render.PortSubmission}} {
			mail = append(mail, mailFront{Name: m.name, Port: m.port, SMTPCheck: m.port == render.PortSMTP,
				Servers: servers(t, render.RoleMX, site, m.port)})
		}
		for i, h := range lbs {
			hd := haproxyData{
				Host: h.Name, Site: site, FQDN: t.FQDN(h), VIP: vip.Addr().String(), HealthPath: render.HealthPath,
				HTTPSPort: render.PortHTTPS, HealthPort: render.PortWebHealth, StatsPort: render.PortHAProxyStats,
				Web: servers(t, render.RoleWeb, site, render.PortHTTPS), Mail: mail,
			}
			var peers []string
			for _, p := range lbs {
				if p != h {
					peers = append(peers, p.Addr.String())
				}
			}
			kd := keepalivedData{
				Host: h.Name, Site: site, Instance: "VI_" + site, Iface: h.Iface, Addr: h.Addr.String(),
				VIP: vip.Addr().String(), VIPPrefix: vip.String(),
				RouterID: 51 + si, Priority: 200 - 10*i, Peers: peers,
			}
			out.Add(h.Name,
				render.Text(HAProxyPath, 0o644, render.Exec(tmpl, "haproxy.cfg.tmpl", hd)),
				render.Text(KeepalivedPath, 0o644, render.Exec(tmpl, "keepalived.conf.tmpl", kd)),
				render.Text(SysctlPath, 0o644, "# Rendered by racksmith: haproxy binds the floating address before keepalived moves it here.\nnet.ipv4.ip_nonlocal_bind = 1\n"),
			)
		}
	}
	return out
}

// servers lists role's hosts in site at port, then every other site's as
// backup servers.
func servers(t *render.Topology, role, site string, port int) []server {
	var out []server
	add := func(site string, backup bool) {
		for _, h := range t.With(role, site) {
			out = append(out, server{Name: h.Name, Addr: netip.AddrPortFrom(h.Addr, uint16(port)).String(), Backup: backup})
		}
	}
	add(site, false)
	for _, other := range t.OtherSites(site) {
		add(other, true)
	}
	return out
}
