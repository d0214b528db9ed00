package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/mx"
	"github.com/racksmith/racksmith/modules/render"
)

// MXType is the Pulumi type token of the mx role's component resource.
const MXType = "racksmith:modules:MX"

// NewMX registers the mx role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewMX(ctx *pulumi.Context, name string, t *render.Topology, opt mx.Options, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, MXType, name, mx.Render(t, opt), opts...)
}
