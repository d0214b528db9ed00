package component

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/dns"
	"github.com/racksmith/racksmith/modules/render"
)

// DNSType is the Pulumi type token of the dns role's component resource.
const DNSType = "racksmith:modules:DNS"

// NewDNS registers the dns role as a component resource whose outputs are
// its rendered files per host. t must have passed render.New.
func NewDNS(ctx *pulumi.Context, name string, t *render.Topology, opts ...pulumi.ResourceOption) (*Role, error) {
	return New(ctx, DNSType, name, dns.Render(t), opts...)
}
