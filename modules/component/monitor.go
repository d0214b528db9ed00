package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/monitor"
	"github.com/racksmith/racksmith/modules/render"
)

// MonitorType is the Pulumi type token of the monitor role's component resource.
const MonitorType = "racksmith:modules:Monitor"

// NewMonitor registers the monitor role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewMonitor(ctx *pulumi.Context, name string, t *render.Topology, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, MonitorType, name, monitor.Render(t), opts...)
}
