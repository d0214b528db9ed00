package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
	"github.com/racksmith/racksmith/modules/component"
	"github.com/racksmith/racksmith/modules/render"
)

// MailName is the name of the mail service's component resource
// (racksmith:modules:Mail); its role components are "mail-<role>".
const MailName = "mail"

// declareRoles checks that every role of inv renders (diagnostics with
// source snippets naming the inventory block), then declares the mail
// service's component resources (one per role that has hosts, under one
// racksmith:modules:Mail) and returns every host's files, all roles merged,
// for the hosts' Server resources. An inventory whose servers carry no
// role declares no component.
func declareRoles(ctx *pulumi.Context, inv *inventory.Inventory, dir string, opt modules.Options) (render.HostFiles, error) {
	files, diags := modules.RenderWith(inv, opt)
	if diags.HasErrors() {
		return nil, fmt.Errorf("role rendering of %s failed:\n%s", dir, Diagnostics(inv, diags))
	}
	if len(files) == 0 {
		// no server carries a role: there is no mail service to declare
		return files, nil
	}
	mail, err := component.NewMail(ctx, MailName, inv, opt)
	if err != nil {
		return nil, fmt.Errorf("declare the mail service's roles: %w", err)
	}
	return mail.Files, nil
}
