package web

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/component"
	"github.com/racksmith/racksmith/modules/render"
)

// Type is the Pulumi type token of the web role's component resource.
const Type = "racksmith:modules:Web"

// NewComponent registers the web role as a component resource whose
// outputs are its rendered files per host. t must have passed render.New.
func NewComponent(ctx *pulumi.Context, name string, t *render.Topology, opt Options, opts ...pulumi.ResourceOption) (*component.Role, error) {
	return component.New(ctx, Type, name, Render(t, opt), opts...)
}
