// Package mx renders the mail exchanger role: Postfix accepting mail for
// the inventory's domains and delivering it over LMTP to the mail store,
// with a queue that holds mail through days-long store or database outages
// (retry with backoff, two-week lifetime, store errors deferred, not
// bounced).
package mx

import (
	"embed"
	"net/netip"
	"strconv"
	"strings"

	"github.com/racksmith/racksmith/modules/render"
)

// Paths of the files rendered on every mx host.
const (
	MainCFPath       = "/etc/postfix/main.cf"
	MasterCFPath     = "/etc/postfix/master.cf"
	StatusFilterPath = "/etc/postfix/lmtp_status_filter"
)

// Options are the mx role's inputs beyond the inventory.
type Options struct {
	CertFile      string
	KeyFile       string
	QueueLifetime string // Postfix time, e.g. "14d"
	// Store lists the mail store's LMTP addresses; empty means the db
	// hosts of the primary site, where the store runs beside the database.
	Store    []netip.AddrPort
	AuthPort int // the store's SASL (dovecot auth) port
}

// DefaultOptions are used for options left zero.
var DefaultOptions = Options{
	CertFile:      "/etc/ssl/racksmith/mx.crt",
	KeyFile:       "/etc/ssl/private/racksmith-mx.key",
	QueueLifetime: "14d",
	AuthPort:      12345,
}

//go:embed templates/*.tmpl
var tmplFS embed.FS

var tmpl = render.Templates(tmplFS, "templates")

type data struct {
	Options
	Host, Site, FQDN, Domain, Domains, Store, StatusFilter, AuthAddr string
	Networks                                                         []string
}

// Render renders every mx host's Postfix configuration.
func Render(t *render.Topology, opt Options) render.HostFiles {
	opt = withDefaults(t, opt)
	var store []string
	for _, ap := range opt.Store {
		store = append(store, "inet:"+bracket(ap))
	}
	var nets []string
	for _, s := range t.Sites {
		if p := t.Site(s).Network.Prefix; p.IsValid() {
			nets = append(nets, p.Masked().String())
		}
	}
	auth := ""
	if len(opt.Store) > 0 {
		auth = bracket(netip.AddrPortFrom(opt.Store[0].Addr(), uint16(opt.AuthPort)))
	}
	filter := render.Exec(tmpl, "lmtp_status_filter.tmpl", nil)
	out := render.HostFiles{}
	for _, h := range t.With(render.RoleMX, "") {
		d := data{
			Options: opt, Host: h.Name, Site: h.Site, FQDN: t.FQDN(h), Domain: t.Domain(),
			Domains: strings.Join(t.Domains, ", "), Store: strings.Join(store, ", "),
			StatusFilter: StatusFilterPath, AuthAddr: auth, Networks: nets,
		}
		master := render.Exec(tmpl, "master.cf.tmpl", d)
		out.Add(h.Name,
			render.Text(MainCFPath, 0o644, render.Exec(tmpl, "main.cf.tmpl", d)),
			render.Text(MasterCFPath, 0o644, master),
			render.Text(StatusFilterPath, 0o644, filter),
		)
	}
	return out
}

func withDefaults(t *render.Topology, o Options) Options {
	if o.CertFile == "" {
		o.CertFile = DefaultOptions.CertFile
	}
	if o.KeyFile == "" {
		o.KeyFile = DefaultOptions.KeyFile
	}
	if o.QueueLifetime == "" {
		o.QueueLifetime = DefaultOptions.QueueLifetime
	}
	if o.AuthPort == 0 {
		o.AuthPort = DefaultOptions.AuthPort
	}
	if len(o.Store) == 0 {
		for _, h := range t.With(render.RoleDB, t.PrimarySite) {
			o.Store = append(o.Store, netip.AddrPortFrom(h.Addr, render.PortLMTP))
		}
	}
	return o
}

// bracket writes [addr]:port, the Postfix form that skips MX lookups.
func bracket(ap netip.AddrPort) string {
	return "[" + ap.Addr().String() + "]:" + strconv.Itoa(int(ap.Port()))
}
