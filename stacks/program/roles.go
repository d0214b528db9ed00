package program

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules/db"
	"github.com/racksmith/racksmith/modules/dbreplica"
	"github.com/racksmith/racksmith/modules/dns"
	"github.com/racksmith/racksmith/modules/lb"
	"github.com/racksmith/racksmith/modules/mx"
	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/modules/web"
)

// RoleFiles renders every host's role files from the inventory.
//
// HOOK: the roles are rendered here with the modules' pure renderers and
// handed to each Server as its files input. When modules/ provides Pulumi
// component resources per role, the program declares those instead and
// takes the files from their outputs.
type RoleFiles func(inv *inventory.Inventory) (render.HostFiles, hcl.Diagnostics)

// RenderRoles is the default RoleFiles: every role renderer of modules/.
func RenderRoles(inv *inventory.Inventory) (render.HostFiles, hcl.Diagnostics) {
	topo, diags := render.New(inv)
	if diags.HasErrors() {
		return nil, diags
	}
	files := render.HostFiles{}
	files.Merge(lb.Render(topo))
	files.Merge(web.Render(topo, web.Options{}))
	files.Merge(mx.Render(topo, mx.Options{}))
	files.Merge(dns.Render(topo))
	files.Merge(db.Render(topo))
	files.Merge(dbreplica.Render(topo))
	files.Sort()
	return files, diags
}
