package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

// RedactedFiles returns the files to print diagnostic snippets from, with
// the value of every literal secret a diagnostic reports replaced by
// asterisks, so that printing the snippet does not leak it into CI logs.
// Files without such a secret are returned as they are.
func RedactedFiles(files map[string]*hcl.File, diags hcl.Diagnostics) map[string]*hcl.File {
	out := make(map[string]*hcl.File, len(files))
	for k, v := range files {
		out[k] = v
	}
	for _, d := range diags {
		if d.Summary != summaryLiteralSecret || d.Subject == nil {
			continue
		}
		f, ok := out[d.Subject.Filename]
		if !ok {
			continue
		}
		start, end := d.Subject.Start.Byte, d.Subject.End.Byte
		if d.Context != nil { // attribute: Subject is its name, Context the whole attribute
			start, end = d.Subject.End.Byte, d.Context.End.Byte
		}
		if start < 0 || end > len(f.Bytes) || start >= end {
			continue
		}
		b := append([]byte(nil), f.Bytes...)
		for i := start; i < end; i++ {
			if b[i] != '\n' && b[i] != '=' && b[i] != ' ' {
				b[i] = '*'
			}
		}
		out[d.Subject.Filename] = &hcl.File{Body: f.Body, Bytes: b, Nav: f.Nav}
	}
	return out
}
