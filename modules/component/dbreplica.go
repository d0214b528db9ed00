package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/dbreplica"
	"github.com/racksmith/racksmith/modules/render"
)

// DBReplicaType is the Pulumi type token of the dbreplica role's component resource.
const DBReplicaType = "racksmith:modules:DBReplica"

// NewDBReplica registers the dbreplica role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewDBReplica(ctx *pulumi.Context, name string, t *render.Topology, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, DBReplicaType, name, dbreplica.Render(t), opts...)
}
