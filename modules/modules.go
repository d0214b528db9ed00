// Package modules turns a racksmith inventory into the configuration files
// of the mail service's roles, per host: lb (HAProxy + keepalived), web
// (nginx), mx (Postfix), db (Galera), db-replica (Galera fed by async
// replication), dns (Knot) and monitor (Prometheus). Rendering is pure and
// deterministic, so a change shows as an update of exactly the hosts whose
// files change. This package and the role packages are pure; the Pulumi
// component resources exposing the same files are in modules/component.
package modules

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules/db"
	"github.com/racksmith/racksmith/modules/dbreplica"
	"github.com/racksmith/racksmith/modules/dns"
	"github.com/racksmith/racksmith/modules/lb"
	"github.com/racksmith/racksmith/modules/monitor"
	"github.com/racksmith/racksmith/modules/mx"
	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/modules/web"
)

// File is one rendered file: absolute path on the host, mode, content.
type File = render.File

// Files maps a hostname to its rendered files, sorted by path.
type Files = render.HostFiles

// Options are the roles' inputs beyond the inventory; zero values take
// each role's defaults.
type Options struct {
	Web web.Options
	MX  mx.Options
}

// Renderers render one role each, in render.Roles order.
var Renderers = map[string]func(*render.Topology, Options) Files{
	render.RoleLB:        func(t *render.Topology, _ Options) Files { return lb.Render(t) },
	render.RoleWeb:       func(t *render.Topology, o Options) Files { return web.Render(t, o.Web) },
	render.RoleMX:        func(t *render.Topology, o Options) Files { return mx.Render(t, o.MX) },
	render.RoleDB:        func(t *render.Topology, _ Options) Files { return db.Render(t) },
	render.RoleDBReplica: func(t *render.Topology, _ Options) Files { return dbreplica.Render(t) },
	render.RoleDNS:       func(t *render.Topology, _ Options) Files { return dns.Render(t) },
	render.RoleMonitor:   func(t *render.Topology, _ Options) Files { return monitor.Render(t) },
}

// Render renders every role of inv with default options. See RenderWith.
func Render(inv *inventory.Inventory) (Files, hcl.Diagnostics) {
	return RenderWith(inv, Options{})
}

// RenderWith checks inv and renders every role's files, merged per host: a
// host carrying several roles gets all of their files. With error
// diagnostics (each naming the inventory block to fix) nothing is rendered.
func RenderWith(inv *inventory.Inventory, opt Options) (Files, hcl.Diagnostics) {
	t, diags := render.New(inv)
	if diags.HasErrors() {
		return nil, diags
	}
	out := Files{}
	for _, role := range render.Roles {
		out.Merge(Renderers[role](t, opt))
	}
	out.Sort()
	if d := duplicates(t, out); d.HasErrors() {
		return nil, append(diags, d...)
	}
	return out, diags
}

// RenderRole checks inv and renders one role's files.
func RenderRole(inv *inventory.Inventory, role string, opt Options) (Files, hcl.Diagnostics) {
	r, ok := Renderers[role]
	if !ok {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown role",
			Detail: fmt.Sprintf("racksmith renders roles %v, not %q.", render.Roles, role)}}
	}
	t, diags := render.New(inv)
	if diags.HasErrors() {
		return nil, diags
	}
	out := r(t, opt)
	out.Sort()
	return out, diags
}

// duplicates refuses two roles writing the same path on one host.
func duplicates(t *render.Topology, files Files) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, h := range t.Hosts {
		fs := files[h.Name]
		for i := 1; i < len(fs); i++ {
			if fs[i].Path == fs[i-1].Path {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Roles collide on a file",
					Detail:  fmt.Sprintf("Server %q carries roles %v, two of which both render %s.", h.Name, h.Roles, fs[i].Path),
					Subject: &h.Server.DeclRange})
			}
		}
	}
	return diags
}
