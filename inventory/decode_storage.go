package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

var storageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "raid_level", Required: true}, {Name: "disks", Required: true}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "encryption"}},
}

var encryptionSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "type"}, {Name: "cipher"}, {Name: "pbkdf"}, {Name: "pbkdf_iterations"},
	{Name: "key_source"}, {Name: "tang"}, {Name: "tang_thumbprints"}, {Name: "recovery_escrow"},
}}

// decodeStorage decodes `storage { raid_level, disks, encryption { … } }`.
// Encryption defaults: luks2, aes-xts-plain64, argon2id, key from the boot
// server.
func decodeStorage(b *hcl.Block, ctx *hcl.EvalContext, server string) (Storage, hcl.Diagnostics) {
	st := Storage{Range: b.DefRange}
	content, diags := blockContent(b, storageSchema, server+" "+blockName(b))
	a := attrs{ctx: ctx, set: content.Attributes, diags: &diags, out: &st.Attrs, block: server + " storage"}
	a.int("raid_level", &st.RAIDLevel)
	a.strs("disks", &st.Disks)
	for i, eb := range content.Blocks.OfType("encryption") {
		if i > 0 {
			diags = append(diags, duplicateDiag("encryption block in", server, eb.DefRange, st.Encryption.Range))
			continue
		}
		e := &Encryption{Type: "luks2", Cipher: "aes-xts-plain64", PBKDF: "argon2id", KeySource: "bootserver", Range: eb.DefRange}
		ec, d := blockContent(eb, encryptionSchema, server+" encryption")
		diags = append(diags, d...)
		ea := attrs{ctx: ctx, set: ec.Attributes, diags: &diags, out: &e.Attrs, block: server + " encryption"}
		ea.str("type", &e.Type)
		ea.str("cipher", &e.Cipher)
		ea.str("pbkdf", &e.PBKDF)
		ea.int("pbkdf_iterations", &e.PBKDFIter)
		ea.str("key_source", &e.KeySource)
		ea.strs("tang", &e.Tang)
		ea.strs("tang_thumbprints", &e.TangThumbprints)
		ea.str("recovery_escrow", &e.RecoveryEscrow)
		st.Encryption = e
	}
	return st, diags
}
