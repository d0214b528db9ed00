// Package web renders the web role: nginx serving the web front end over
// TLS (certificate paths are inputs), proxying to the application on the
// host's loopback, with a health endpoint the load balancers check and an
// operator drains through a file.
package web

import (
	"embed"
	"strings"

	"github.com/racksmith/racksmith/modules/render"
)

// NginxPath is where the rendered nginx configuration goes.
const NginxPath = "/etc/nginx/nginx.conf"

// Options are the web role's inputs beyond the inventory.
type Options struct {
	CertFile string // PEM certificate chain on the host
	KeyFile  string // PEM private key on the host
	AppPort  int    // the application's port on loopback
}

// DefaultOptions are used for options left zero.
var DefaultOptions = Options{
	CertFile: "/etc/ssl/racksmith/web.crt",
	KeyFile:  "/etc/ssl/private/racksmith-web.key",
	AppPort:  render.PortApp,
}

//go:embed templates/*.tmpl
var tmplFS embed.FS

var tmpl = render.Templates(tmplFS, "templates")

type nginxData struct {
	Options
	Host, Site, ServerNames, HealthPath, DrainFile string
	HTTPSPort, HealthPort                          int
	StatusAllow                                    []string
}

// Render renders every web host's nginx.conf.
func Render(t *render.Topology, opt Options) render.HostFiles {
	opt = withDefaults(opt)
	var names []string
	for _, d := range t.Domains {
		names = append(names, "mail."+d)
	}
	// Only the site networks may read /stub_status: the exporters and
	// monitors live there.
	var allow []string
	for _, s := range t.Sites {
		if p := t.Site(s).Network.Prefix; p.IsValid() {
			allow = append(allow, p.Masked().String())
		}
	}
	allow = append(allow, "127.0.0.1")
	out := render.HostFiles{}
	for _, h := range t.With(render.RoleWeb, "") {
		d := nginxData{
			Options: opt, Host: h.Name, Site: h.Site,
			ServerNames: strings.Join(append([]string{t.FQDN(h)}, names...), " "),
			HealthPath:  render.HealthPath, DrainFile: render.DrainFile,
			HTTPSPort: render.PortHTTPS, HealthPort: render.PortWebHealth, StatusAllow: allow,
		}
		out.Add(h.Name, render.Text(NginxPath, 0o644, render.Exec(tmpl, "nginx.conf.tmpl", d)))
	}
	return out
}

func withDefaults(o Options) Options {
	if o.CertFile == "" {
		o.CertFile = DefaultOptions.CertFile
	}
	if o.KeyFile == "" {
		o.KeyFile = DefaultOptions.KeyFile
	}
	if o.AppPort == 0 {
		o.AppPort = DefaultOptions.AppPort
	}
	return o
}
