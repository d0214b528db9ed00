package inventory

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

var serverSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "site", Required: true}, {Name: "rack", Required: true}, {Name: "u", Required: true},
		{Name: "height"}, {Name: "model"}, {Name: "serial", Required: true}, {Name: "address"},
		{Name: "image"}, {Name: "roles"}, {Name: "comments"}, {Name: "firmware"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "psu"}, {Type: "bmc"}, {Type: "nic", LabelNames: []string{"name"}},
		{Type: "disk", LabelNames: []string{"name"}}, {Type: "storage"},
	},
}

// decodeServer decodes a `server "NAME" { … }` block with its psu, bmc,
// nic, disk and storage blocks. Height defaults to 1 U, firmware to "bios".
func decodeServer(b *hcl.Block, ctx *hcl.EvalContext) (*Server, hcl.Diagnostics) {
	s := &Server{Name: b.Labels[0], Height: 1, Firmware: FirmwareBIOS, DeclRange: b.DefRange}
	content, diags := blockContent(b, serverSchema, blockName(b))
	name := blockName(b)
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &s.Attrs, block: name}
	a.str("site", &s.Site)
	a.str("rack", &s.Rack)
	a.int("u", &s.U)
	a.int("height", &s.Height)
	a.str("model", &s.Model)
	a.str("serial", &s.Serial)
	a.prefix("address", &s.Address)
	a.str("image", &s.Image)
	a.strs("roles", &s.Roles)
	a.str("comments", &s.Comments)
	a.str("firmware", &s.Firmware)

	for _, blk := range content.Blocks {
		var d hcl.Diagnostics
		switch blk.Type {
		case "psu":
			var p PSU
			p, d = decodePSU(blk, ctx, name)
			s.PSUs = append(s.PSUs, p)
		case "bmc":
			if s.BMC.Range != (hcl.Range{}) {
				d = hcl.Diagnostics{duplicateDiag("bmc block of", s.Name, blk.DefRange, s.BMC.Range)}
				break
			}
			s.BMC, d = decodeBMC(blk, ctx, name)
		case "nic":
			var n NIC
			n, d = decodeNIC(blk, ctx, name)
			s.NICs = append(s.NICs, n)
		case "disk":
			var k Disk
			k, d = decodeDisk(blk, ctx, name)
			s.Disks = append(s.Disks, k)
		case "storage":
			if s.Storage.Range != (hcl.Range{}) {
				d = hcl.Diagnostics{duplicateDiag("storage block of", s.Name, blk.DefRange, s.Storage.Range)}
				break
			}
			s.Storage, d = decodeStorage(blk, ctx, name)
		}
		diags = append(diags, d...)
	}
	return s, diags
}

var psuSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "pdu", Required: true}, {Name: "outlet", Required: true}, {Name: "watts", Required: true},
}}

func decodePSU(b *hcl.Block, ctx *hcl.EvalContext, server string) (PSU, hcl.Diagnostics) {
	p := PSU{Range: b.DefRange}
	content, diags := blockContent(b, psuSchema, server+" "+blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &p.Attrs, block: server + " psu"}
	a.str("pdu", &p.PDU)
	a.int("outlet", &p.Outlet)
	a.int("watts", &p.Watts)
	return p, diags
}

var bmcSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "address", Required: true}, {Name: "port"}, {Name: "protocol"}, {Name: "credential", Required: true},
}}

// decodeBMC decodes a bmc block; protocol defaults to ipmi and the port to
// the protocol's (623 for IPMI, 443 for Redfish).
func decodeBMC(b *hcl.Block, ctx *hcl.EvalContext, server string) (BMC, hcl.Diagnostics) {
	m := BMC{Protocol: "ipmi", Range: b.DefRange}
	content, diags := blockContent(b, bmcSchema, server+" "+blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &m.Attrs, block: server + " bmc"}
	a.addr("address", &m.Address)
	a.int("port", &m.Port)
	proto := a.str("protocol", &m.Protocol)
	a.str("credential", &m.Credential)
	switch m.Protocol {
	case "ipmi":
		if m.Port == 0 {
			m.Port = 623
		}
	case "redfish":
		if m.Port == 0 {
			m.Port = 443
		}
	default:
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  `Invalid value for "protocol"`,
			Detail:   fmt.Sprintf("%s bmc: protocol must be \"ipmi\" or \"redfish\", not %q.", server, m.Protocol),
			Subject:  proto.Expr.Range().Ptr(),
		})
	}
	return m, diags
}

var nicSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "mac", Required: true}, {Name: "purpose"},
}}

// decodeNIC decodes `nic "NAME" { mac, purpose }`, normalizing the MAC.
func decodeNIC(b *hcl.Block, ctx *hcl.EvalContext, server string) (NIC, hcl.Diagnostics) {
	n := NIC{Name: b.Labels[0], Range: b.DefRange}
	content, diags := blockContent(b, nicSchema, server+" "+blockName(b))
	where := fmt.Sprintf("%s nic %q", server, n.Name)
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &n.Attrs, block: where}
	var raw string
	if at := a.str("mac", &raw); at != nil && raw != "" {
		mac, err := NormalizeMAC(raw)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  `Invalid value for "mac"`,
				Detail:   fmt.Sprintf("%s: %s.", where, err),
				Subject:  at.Expr.Range().Ptr(),
			})
		}
		n.MAC = mac
	}
	a.str("purpose", &n.Purpose)
	switch n.Purpose {
	case "", "provisioning", "public", "private", "storage":
	default:
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  `Invalid value for "purpose"`,
			Detail:   fmt.Sprintf("%s: purpose must be provisioning, public, private or storage, not %q.", where, n.Purpose),
			Subject:  n.Attrs.Of("purpose", b.DefRange).Ptr(),
		})
	}
	return n, diags
}

var diskSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "serial"}, {Name: "path"}, {Name: "size", Required: true},
}}

// decodeDisk decodes `disk "NAME" { serial, path, size }`.
func decodeDisk(b *hcl.Block, ctx *hcl.EvalContext, server string) (Disk, hcl.Diagnostics) {
	k := Disk{Name: b.Labels[0], Range: b.DefRange}
	content, diags := blockContent(b, diskSchema, server+" "+blockName(b))
	where := fmt.Sprintf("%s disk %q", server, k.Name)
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &k.Attrs, block: where}
	a.str("serial", &k.Serial)
	a.str("path", &k.Path)
	var raw string
	if at := a.str("size", &raw); at != nil && raw != "" {
		n, err := ParseSize(raw)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  `Invalid value for "size"`,
				Detail:   fmt.Sprintf("%s: %s.", where, err),
				Subject:  at.Expr.Range().Ptr(),
			})
		}
		k.SizeBytes = n
	}
	return k, diags
}
