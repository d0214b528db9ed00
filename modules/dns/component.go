package dns

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/component"
	"github.com/racksmith/racksmith/modules/render"
)

// Type is the Pulumi type token of the dns role's component resource.
const Type = "racksmith:modules:DNS"

// NewComponent registers the dns role as a component resource whose
// outputs are its rendered files per host. t must have passed render.New.
func NewComponent(ctx *pulumi.Context, name string, t *render.Topology, opts ...pulumi.ResourceOption) (*component.Role, error) {
	return component.New(ctx, Type, name, Render(t), opts...)
}
