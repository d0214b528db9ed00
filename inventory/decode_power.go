package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

var rackSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "site", Required: true}, {Name: "height", Required: true},
}}

// decodeRack decodes a `rack "NAME" { site, height }` block.
func decodeRack(b *hcl.Block, ctx *hcl.EvalContext) (*Rack, hcl.Diagnostics) {
	r := &Rack{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := blockContent(b, rackSchema, blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &r.Attrs, block: blockName(b)}
	a.str("site", &r.Site)
	a.int("height", &r.Height)
	return r, diags
}

var pduSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "site", Required: true}, {Name: "rack"}, {Name: "feed", Required: true},
	{Name: "capacity_w"}, {Name: "amps"}, {Name: "volts"}, {Name: "outlets", Required: true},
}}

// decodePDU decodes a `pdu "NAME" { site, rack, feed, capacity_w | amps+volts, outlets }`
// block. The capacity is given either in watts or as amps × volts, as on
// the PDU's rating plate.
func decodePDU(b *hcl.Block, ctx *hcl.EvalContext) (*PDU, hcl.Diagnostics) {
	p := &PDU{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := blockContent(b, pduSchema, blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &p.Attrs, block: blockName(b)}
	a.str("site", &p.Site)
	a.str("rack", &p.Rack)
	a.str("feed", &p.Feed)
	a.int("outlets", &p.Outlets)
	w := a.int("capacity_w", &p.CapacityW)
	amps := a.int("amps", &p.Amps)
	volts := a.int("volts", &p.Volts)
	switch {
	case w != nil && (amps != nil || volts != nil):
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting PDU capacity",
			Detail:   blockName(b) + ": give capacity_w or amps and volts, not both.",
			Subject:  w.NameRange.Ptr(),
		})
	case w == nil && amps != nil && volts != nil:
		p.CapacityW = p.Amps * p.Volts
	case w == nil:
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing PDU capacity",
			Detail:   blockName(b) + ": set capacity_w, or both amps and volts.",
			Subject:  b.DefRange.Ptr(),
		})
	}
	return p, diags
}

var credentialSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "username", Required: true}, {Name: "password", Required: true},
}}

// decodeCredential decodes a `credential "NAME" { username, password }`
// block. The password must be a reference; a literal is reported without
// echoing it.
func decodeCredential(b *hcl.Block, ctx *hcl.EvalContext) (*Credential, hcl.Diagnostics) {
	c := &Credential{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := blockContent(b, credentialSchema, blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &c.Attrs, block: blockName(b)}
	a.str("username", &c.Username)
	var pw string
	if at := a.str("password", &pw); at != nil {
		if IsSecretRef(pw) {
			c.PasswordRef = pw
		} else {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  summaryLiteralSecret,
				Detail:   blockName(b) + `: "password" must be a reference such as "env:NAME", "file:PATH" or "pulumi:KEY", not the password itself (value not shown).`,
				Subject:  at.Expr.Range().Ptr(),
			})
		}
	}
	return c, diags
}
