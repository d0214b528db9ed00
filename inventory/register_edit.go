package inventory

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// editServer writes the server block into src with hclwrite: a new block
// at the end of the file, or, for an existing one, only the attributes and
// nested blocks the registration gives. The file is put in canonical
// layout only if it was in canonical layout before.
func editServer(src []byte, filename string, want *Server, reg Registration, isNew bool) ([]byte, error) {
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	root := f.Body()
	var blk *hclwrite.Block
	for _, b := range root.Blocks() {
		if b.Type() == "server" && len(b.Labels()) == 1 && b.Labels()[0] == want.Name {
			blk = b
		}
	}
	if blk == nil {
		if len(bytes.TrimSpace(src)) > 0 {
			root.AppendNewline()
		}
		blk = root.AppendNewBlock("server", []string{want.Name})
	}
	body := blk.Body()
	str := func(name, v string, given bool) {
		if (isNew && v != "") || given {
			body.SetAttributeValue(name, cty.StringVal(v))
		}
	}
	num := func(name string, v int, given bool) {
		if isNew || given {
			body.SetAttributeValue(name, cty.NumberIntVal(int64(v)))
		}
	}
	str("site", want.Site, reg.Site != "")
	str("rack", want.Rack, reg.Rack != "")
	num("u", want.U, reg.U > 0)
	num("height", want.Height, reg.Height > 0)
	str("model", want.Model, reg.Model != "")
	str("serial", want.Serial, reg.Serial != "")
	str("address", want.Address.String(), reg.Address != "")
	str("image", want.Image, reg.Image != "")
	if isNew || reg.Roles != nil {
		body.SetAttributeValue("roles", stringList(want.Roles))
	}
	if isNew || len(reg.PSUs) > 0 {
		setPSU := func(b *hclwrite.Body, p PSU) {
			b.SetAttributeValue("pdu", cty.StringVal(p.PDU))
			b.SetAttributeValue("outlet", cty.NumberIntVal(int64(p.Outlet)))
			b.SetAttributeValue("watts", cty.NumberIntVal(int64(p.Watts)))
		}
		var old []*hclwrite.Block
		for _, b := range body.Blocks() {
			if b.Type() == "psu" {
				old = append(old, b)
			}
		}
		if len(old) == len(want.PSUs) {
			// as many supplies as before: edit them where they are (their
			// place and comments stay)
			for i, p := range want.PSUs {
				setPSU(old[i].Body(), p)
			}
		} else {
			replaceBlocks(body, "psu")
			for _, p := range want.PSUs {
				setPSU(appendBlock(body, "psu"), p)
			}
		}
	}
	if isNew {
		b := appendBlock(body, "bmc")
		b.SetAttributeValue("address", cty.StringVal(want.BMC.Address.String()))
		b.SetAttributeValue("port", cty.NumberIntVal(int64(want.BMC.Port)))
		b.SetAttributeValue("protocol", cty.StringVal(want.BMC.Protocol))
		b.SetAttributeValue("credential", cty.StringVal(want.BMC.Credential))
	} else if reg.BMC != "" || reg.BMCCredential != "" {
		b := body.FirstMatchingBlock("bmc", nil)
		if b == nil {
			b = body.AppendNewBlock("bmc", nil)
		}
		b.Body().SetAttributeValue("address", cty.StringVal(want.BMC.Address.String()))
		b.Body().SetAttributeValue("credential", cty.StringVal(want.BMC.Credential))
	}
	if isNew || len(reg.NICs) > 0 {
		replaceBlocks(body, "nic")
		for _, n := range want.NICs {
			b := appendBlock(body, "nic", n.Name)
			b.SetAttributeValue("mac", cty.StringVal(n.MAC))
			b.SetAttributeValue("purpose", cty.StringVal(n.Purpose))
		}
	}
	if isNew || len(reg.Disks) > 0 {
		replaceBlocks(body, "disk")
		for _, d := range want.Disks {
			b := appendBlock(body, "disk", d.Name)
			if d.Serial != "" {
				b.SetAttributeValue("serial", cty.StringVal(d.Serial))
			}
			if d.Path != "" {
				b.SetAttributeValue("path", cty.StringVal(d.Path))
			}
			b.SetAttributeValue("size", cty.StringVal(FormatSize(d.SizeBytes)))
		}
	}
	writeStorage(body, want, reg, isNew)

	out := f.Bytes()
	if fmtd := hclwrite.Format(src); bytes.Equal(fmtd, src) {
		out = hclwrite.Format(out)
	}
	return out, nil
}

func writeStorage(body *hclwrite.Body, want *Server, reg Registration, isNew bool) {
	if !isNew && len(reg.Disks) == 0 && reg.RAIDLevel == 0 {
		return
	}
	st := body.FirstMatchingBlock("storage", nil)
	if st == nil {
		body.AppendNewline()
		st = body.AppendNewBlock("storage", nil)
	}
	sb := st.Body()
	sb.SetAttributeValue("raid_level", cty.NumberIntVal(int64(want.Storage.RAIDLevel)))
	sb.SetAttributeValue("disks", stringList(want.Storage.Disks))
	if sb.FirstMatchingBlock("encryption", nil) != nil || want.Storage.Encryption == nil {
		return
	}
	e := want.Storage.Encryption
	sb.AppendNewline()
	eb := sb.AppendNewBlock("encryption", nil).Body()
	eb.SetAttributeValue("type", cty.StringVal(e.Type))
	if e.Cipher != "aes-xts-plain64" {
		eb.SetAttributeValue("cipher", cty.StringVal(e.Cipher))
	}
	if e.PBKDF != "argon2id" {
		eb.SetAttributeValue("pbkdf", cty.StringVal(e.PBKDF))
	}
	if e.PBKDFIter > 0 {
		eb.SetAttributeValue("pbkdf_iterations", cty.NumberIntVal(int64(e.PBKDFIter)))
	}
	eb.SetAttributeValue("key_source", cty.StringVal(e.KeySource))
	if len(e.Tang) > 0 {
		eb.SetAttributeValue("tang", stringList(e.Tang))
	}
	if len(e.TangThumbprints) > 0 {
		eb.SetAttributeValue("tang_thumbprints", stringList(e.TangThumbprints))
	}
}

// replaceBlocks removes every nested block of a type.
func replaceBlocks(body *hclwrite.Body, typ string) {
	for _, b := range body.Blocks() {
		if b.Type() == typ {
			body.RemoveBlock(b)
		}
	}
}

func appendBlock(body *hclwrite.Body, typ string, labels ...string) *hclwrite.Body {
	body.AppendNewline()
	return body.AppendNewBlock(typ, labels).Body()
}

func stringList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, s := range ss {
		vs[i] = cty.StringVal(s)
	}
	return cty.ListVal(vs)
}
