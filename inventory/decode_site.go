package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

var siteSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "region"}, {Name: "address"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "network"}},
}

var networkSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "prefix", Required: true}, {Name: "gateway"}, {Name: "boot_server", Required: true},
	{Name: "boot_url", Required: true}, {Name: "dns"},
}}

// decodeSite decodes a `site "NAME" { region, address, network { … } }` block.
func decodeSite(b *hcl.Block, ctx *hcl.EvalContext) (*Site, hcl.Diagnostics) {
	s := &Site{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := blockContent(b, siteSchema, blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &s.Attrs, block: blockName(b)}
	a.str("region", &s.Region)
	a.str("address", &s.Address)
	nets := content.Blocks.OfType("network")
	if len(nets) == 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing network block",
			Detail:   blockName(b) + ": a site needs a network block with its provisioning prefix, boot_server and boot_url.",
			Subject:  b.DefRange.Ptr(),
		})
	}
	for i, nb := range nets {
		if i > 0 {
			diags = append(diags, duplicateDiag("network block of", s.Name, nb.DefRange, nets[0].DefRange))
			continue
		}
		s.Network.Range = nb.DefRange
		nc, d := blockContent(nb, networkSchema, blockName(b)+" network")
		diags = append(diags, d...)
		na := attrs{ctx: ctx, set: nc.Attributes, diags: &diags, out: &s.Network.Attrs, block: blockName(b) + " network"}
		na.prefix("prefix", &s.Network.Prefix)
		na.addr("gateway", &s.Network.Gateway)
		na.addr("boot_server", &s.Network.BootServer)
		na.str("boot_url", &s.Network.BootURL)
		na.addrs("dns", &s.Network.DNS)
	}
	return s, diags
}
