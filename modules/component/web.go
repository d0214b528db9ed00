package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/modules/web"
)

// WebType is the Pulumi type token of the web role's component resource.
const WebType = "racksmith:modules:Web"

// NewWeb registers the web role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewWeb(ctx *pulumi.Context, name string, t *render.Topology, opt web.Options, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, WebType, name, web.Render(t, opt), opts...)
}
