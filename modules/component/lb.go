package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/lb"
	"github.com/racksmith/racksmith/modules/render"
)

// LBType is the Pulumi type token of the lb role's component resource.
const LBType = "racksmith:modules:LB"

// NewLB registers the lb role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewLB(ctx *pulumi.Context, name string, t *render.Topology, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, LBType, name, lb.Render(t), opts...)
}
