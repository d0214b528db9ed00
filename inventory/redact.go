package inventory

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// RedactedFiles returns the files to print diagnostic snippets from, so
// that printing a snippet does not leak a secret into CI logs: in every
// file a diagnostic points into, the value of every literal secret a
// diagnostic reports, of every attribute of a credential block but its
// username (a misspelled "passwd" included), and of every attribute whose
// name says it holds a secret is replaced by asterisks. Other files are
// returned as they are.
func RedactedFiles(files map[string]*hcl.File, diags hcl.Diagnostics) map[string]*hcl.File {
	out := make(map[string]*hcl.File, len(files))
	for k, v := range files {
		out[k] = v
	}
	masked := map[string][]byte{}
	buf := func(name string) []byte {
		if b, ok := masked[name]; ok {
			return b
		}
		f, ok := out[name]
		if !ok || f == nil {
			return nil
		}
		b := append([]byte(nil), f.Bytes...)
		masked[name] = b
		maskSecretAttrs(name, b)
		return b
	}
	for _, d := range diags {
		for _, r := range []*hcl.Range{d.Subject, d.Context} {
			if r != nil {
				buf(r.Filename)
			}
		}
		if d.Summary != summaryLiteralSecret || d.Subject == nil {
			continue
		}
		b := buf(d.Subject.Filename)
		start, end := d.Subject.Start.Byte, d.Subject.End.Byte
		if d.Context != nil { // attribute: Subject is its name, Context the whole attribute
			start, end = d.Subject.End.Byte, d.Context.End.Byte
		}
		mask(b, start, end)
	}
	for name, b := range masked {
		f := out[name]
		out[name] = &hcl.File{Body: f.Body, Bytes: b, Nav: f.Nav}
	}
	return out
}

// maskSecretAttrs masks, in src (a file's bytes, parsed again here: the
// loader keeps no syntax tree), the values of credential attributes other
// than username and of attributes with a secret's name, in any block. A
// file that does not parse is masked as far as it parses.
func maskSecretAttrs(name string, src []byte) {
	f, _ := hclsyntax.ParseConfig(append([]byte(nil), src...), name, hcl.InitialPos)
	if f == nil {
		return
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return
	}
	var walk func(b *hclsyntax.Body, inCredential bool)
	walk = func(b *hclsyntax.Body, inCredential bool) {
		for _, a := range b.Attributes {
			if (inCredential && a.Name != "username") || secretName(a.Name) {
				r := a.Expr.Range()
				mask(src, r.Start.Byte, r.End.Byte)
			}
		}
		for _, blk := range b.Blocks {
			walk(blk.Body, inCredential || blk.Type == "credential")
		}
	}
	walk(body, false)
}

// secretName tells whether an attribute's name says it holds a secret.
func secretName(name string) bool {
	if secretAttrs[name] {
		return true
	}
	n := strings.ToLower(name)
	for _, s := range []string{"passw", "passphrase", "secret", "token"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func mask(b []byte, start, end int) {
	if start < 0 || end > len(b) || start >= end {
		return
	}
	for i := start; i < end; i++ {
		if b[i] != '\n' && b[i] != '=' && b[i] != ' ' {
			b[i] = '*'
		}
	}
}
