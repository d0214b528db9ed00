package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

var roleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "replicas", Required: true}, {Name: "per_site"}, {Name: "sites"}, {Name: "spread"}, {Name: "quorum"},
}}

// decodeRole decodes `role "NAME" { replicas, per_site, sites, spread, quorum }`.
func decodeRole(b *hcl.Block, ctx *hcl.EvalContext) (*Role, hcl.Diagnostics) {
	r := &Role{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := blockContent(b, roleSchema, blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &r.Attrs, block: blockName(b)}
	a.int("replicas", &r.Replicas)
	a.int("per_site", &r.PerSite)
	a.strs("sites", &r.Sites)
	a.strs("spread", &r.Spread)
	a.int("quorum", &r.Quorum)
	return r, diags
}

var serviceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "domains", Required: true}, {Name: "primary_site", Required: true}, {Name: "vips"},
}}

// decodeService decodes the `service "mail" { domains, primary_site, vips }` block.
func decodeService(b *hcl.Block, ctx *hcl.EvalContext) (*Service, hcl.Diagnostics) {
	s := &Service{DeclRange: b.DefRange}
	content, diags := blockContent(b, serviceSchema, blockName(b))
	if b.Labels[0] != "mail" {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown service",
			Detail:   `racksmith renders one service, "mail"; this block is ` + blockName(b) + ".",
			Subject:  b.LabelRanges[0].Ptr(),
		})
	}
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &s.Attrs, block: blockName(b)}
	a.strs("domains", &s.Domains)
	a.str("primary_site", &s.PrimarySite)
	a.strMap("vips", &s.VIPs)
	return s, diags
}
