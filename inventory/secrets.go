package inventory

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// secretAttrs are attribute names that would carry a secret. Only a
// credential block may have a password, and only as a reference.
var secretAttrs = map[string]bool{"password": true, "passphrase": true, "secret": true, "token": true, "luks_key": true}

const summaryLiteralSecret = "Literal secret in inventory"

// secretRefPrefixes are the accepted forms of a reference to a secret.
var secretRefPrefixes = []string{"env:", "file:", "pulumi:"}

// IsSecretRef reports whether s refers to a secret ("env:NAME",
// "file:PATH", "pulumi:KEY") rather than being one.
func IsSecretRef(s string) bool {
	for _, p := range secretRefPrefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}

// literalSecrets finds secret-looking attributes anywhere outside a
// credential block. Their values are never echoed.
func literalSecrets(body hcl.Body) hcl.Diagnostics {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var diags hcl.Diagnostics
	// path holds the blocks around the body walked; their names, for the
	// message, are spelled only when a secret is found.
	var walk func(b *hclsyntax.Body, path []*hclsyntax.Block)
	walk = func(b *hclsyntax.Body, path []*hclsyntax.Block) {
		if hasSecretAttr(b) {
			where := secretWhere(path)
			for _, name := range sortedKeys(b.Attributes) {
				at := b.Attributes[name]
				if secretAttrs[name] {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  summaryLiteralSecret,
						Detail: fmt.Sprintf("%s: %q must not be written in HCL. Put secrets in a credential block as a reference (%s…) and refer to the credential by name.",
							where, name, strings.Join(secretRefPrefixes, "…, ")),
						Subject: at.NameRange.Ptr(),
						Context: at.SrcRange.Ptr(),
					})
				}
			}
		}
		for _, blk := range b.Blocks {
			if blk.Type == "credential" && len(path) == 0 {
				continue
			}
			walk(blk.Body, append(path, blk))
		}
	}
	walk(sb, nil)
	return diags
}

func hasSecretAttr(b *hclsyntax.Body) bool {
	for name := range b.Attributes {
		if secretAttrs[name] {
			return true
		}
	}
	return false
}

// secretWhere names the blocks around a secret: `server "n1" bmc`, or
// "top level".
func secretWhere(path []*hclsyntax.Block) string {
	if len(path) == 0 {
		return "top level"
	}
	names := make([]string, len(path))
	for i, blk := range path {
		names[i] = blk.Type
		if len(blk.Labels) > 0 {
			names[i] = fmt.Sprintf("%s %q", blk.Type, blk.Labels[0])
		}
	}
	return strings.Join(names, " ")
}

// dropUnsupportedSecrets removes HCL's generic "Unsupported argument" errors
// for attributes already reported as literal secrets.
func dropUnsupportedSecrets(diags hcl.Diagnostics) hcl.Diagnostics {
	secret := map[hcl.Pos]bool{}
	for _, d := range diags {
		if d.Summary == summaryLiteralSecret && d.Subject != nil {
			secret[d.Subject.Start] = true
		}
	}
	if len(secret) == 0 {
		return diags
	}
	out := diags[:0]
	for _, d := range diags {
		if d.Summary == "Unsupported argument" && d.Subject != nil && secret[d.Subject.Start] {
			continue
		}
		out = append(out, d)
	}
	return out
}
