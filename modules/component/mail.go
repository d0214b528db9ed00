package component

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
	"github.com/racksmith/racksmith/modules/render"
)

// MailType is the Pulumi type token of the whole mail service component.
const MailType = "racksmith:modules:Mail"

// Mail is the mail service as a component resource: one child component
// per role that has hosts.
type Mail struct {
	pulumi.ResourceState

	// Roles holds each rendered role's component, by role name.
	Roles map[string]*Role
	// Files is every host's files, all roles merged: plain values known at
	// preview, to hand to each host's Server resource as its role files.
	Files modules.Files
}

// NewMail checks inv, renders every role and registers the components:
// MailType called name, and under it one role component called
// "<name>-<role>". A refused inventory is an error wrapping
// render.ErrRefused with the diagnostics (file:line) in its text.
func NewMail(ctx *pulumi.Context, name string, inv *inventory.Inventory, opt modules.Options, opts ...pulumi.ResourceOption) (*Mail, error) {
	t, diags := render.New(inv)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%w:\n%s", render.ErrRefused, diags.Error())
	}
	files, diags := modules.RenderWith(inv, opt)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%w:\n%s", render.ErrRefused, diags.Error())
	}
	m := &Mail{Roles: map[string]*Role{}, Files: files}
	if err := ctx.RegisterComponentResource(MailType, name, m, opts...); err != nil {
		return nil, fmt.Errorf("register %s %s: %w", MailType, name, err)
	}
	parent := pulumi.Parent(m)
	for _, role := range render.Roles {
		if len(t.With(role, "")) == 0 {
			continue
		}
		child := name + "-" + role
		var c *Role
		var err error
		switch role {
		case render.RoleLB:
			c, err = NewLB(ctx, child, t, parent)
		case render.RoleWeb:
			c, err = NewWeb(ctx, child, t, opt.Web, parent)
		case render.RoleMX:
			c, err = NewMX(ctx, child, t, opt.MX, parent)
		case render.RoleDB:
			c, err = NewDB(ctx, child, t, parent)
		case render.RoleDBReplica:
			c, err = NewDBReplica(ctx, child, t, parent)
		case render.RoleDNS:
			c, err = NewDNS(ctx, child, t, parent)
		case render.RoleMonitor:
			c, err = NewMonitor(ctx, child, t, parent)
		}
		if err != nil {
			return nil, err
		}
		m.Roles[role] = c
	}
	hosts := pulumi.StringArray{}
	for _, h := range files.Hosts() {
		hosts = append(hosts, pulumi.String(h))
	}
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{"hosts": hosts}); err != nil {
		return nil, fmt.Errorf("outputs of %s %s: %w", MailType, name, err)
	}
	return m, nil
}
