package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/db"
	"github.com/racksmith/racksmith/modules/render"
)

// DBType is the Pulumi type token of the db role's component resource.
const DBType = "racksmith:modules:DB"

// NewDB registers the db role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewDB(ctx *pulumi.Context, name string, t *render.Topology, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, DBType, name, db.Render(t), opts...)
}
