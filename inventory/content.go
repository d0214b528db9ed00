package inventory

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// blockContent is b.Body.Content(schema), except that a missing required
// argument is reported at the block's header, naming the block, rather than
// at its closing brace.
func blockContent(b *hcl.Block, schema *hcl.BodySchema, name string) (*hcl.BodyContent, hcl.Diagnostics) {
	if content, ok := wellFormedContent(b.Body, schema); ok {
		return content, nil
	}
	content, diags := b.Body.Content(schema)
	for _, d := range diags {
		if d.Summary == "Missing required argument" {
			d.Subject = b.DefRange.Ptr()
			d.Detail = name + ": " + d.Detail
		}
	}
	return content, diags
}

// wellFormedContent returns what body.Content(schema) returns for a syntax
// body that Content has nothing to report on: every attribute and block is
// in the schema, blocks have their labels, required attributes are set.
// Content builds several maps per call to find problems; a large inventory
// has none in almost all of its hundred thousand blocks, so those are
// checked first here and anything else is left to Content (ok false).
func wellFormedContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, bool) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil, false
	}
	for _, as := range schema.Attributes {
		if _, set := sb.Attributes[as.Name]; as.Required && !set {
			return nil, false
		}
	}
	// One allocation each for the attributes and blocks, where
	// AsHCLAttribute and AsHCLBlock make one per item.
	attrs := make(hcl.Attributes, len(sb.Attributes))
	ats := make([]hcl.Attribute, 0, len(sb.Attributes))
	for name, at := range sb.Attributes {
		if !inAttrSchema(schema, name) {
			return nil, false
		}
		ats = append(ats, hcl.Attribute{Name: at.Name, Expr: at.Expr, Range: at.SrcRange, NameRange: at.NameRange})
		attrs[name] = &ats[len(ats)-1]
	}
	var blocks hcl.Blocks
	if len(sb.Blocks) > 0 {
		blocks = make(hcl.Blocks, len(sb.Blocks))
	}
	bs := make([]hcl.Block, len(sb.Blocks))
	for i, blk := range sb.Blocks {
		hs, ok := blockHeader(schema, blk.Type)
		if !ok || len(blk.Labels) != len(hs.LabelNames) {
			return nil, false
		}
		bs[i] = hcl.Block{Type: blk.Type, Labels: blk.Labels, Body: blk.Body, DefRange: blk.DefRange(), TypeRange: blk.TypeRange, LabelRanges: blk.LabelRanges}
		blocks[i] = &bs[i]
	}
	return &hcl.BodyContent{Attributes: attrs, Blocks: blocks, MissingItemRange: sb.MissingItemRange()}, true
}

func inAttrSchema(schema *hcl.BodySchema, name string) bool {
	for _, as := range schema.Attributes {
		if as.Name == name {
			return true
		}
	}
	return false
}

func blockHeader(schema *hcl.BodySchema, ty string) (hcl.BlockHeaderSchema, bool) {
	for _, hs := range schema.Blocks {
		if hs.Type == ty {
			return hs, true
		}
	}
	return hcl.BlockHeaderSchema{}, false
}
