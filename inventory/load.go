package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "site", LabelNames: []string{"name"}},
	{Type: "rack", LabelNames: []string{"name"}},
	{Type: "pdu", LabelNames: []string{"name"}},
	{Type: "credential", LabelNames: []string{"name"}},
	{Type: "server", LabelNames: []string{"name"}},
	{Type: "role", LabelNames: []string{"name"}},
	{Type: "service", LabelNames: []string{"name"}},
}}

// Load reads every *.hcl file of a stack folder, in name order, and decodes
// them together into one Inventory. Diagnostics are collected across all
// files; the returned Inventory holds whatever decoded, even with errors, so
// that callers can print diagnostics with snippets from inv.Files.
func Load(dir string) (*Inventory, hcl.Diagnostics) {
	names, err := filepath.Glob(filepath.Join(dir, "*.hcl"))
	if err != nil || len(names) == 0 {
		if err == nil {
			err = fmt.Errorf("%w: %s holds no .hcl file", ErrNoStack, dir)
		}
		return &Inventory{Dir: dir, Files: map[string]*hcl.File{}}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No inventory files",
			Detail:   err.Error(),
		}}
	}
	srcs := make(map[string][]byte, len(names))
	var diags hcl.Diagnostics
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read inventory file",
				Detail:   fmt.Sprintf("read %s: %s", name, err),
			})
			continue
		}
		srcs[name] = b
	}
	inv, d := LoadSources(dir, srcs)
	return inv, append(diags, d...)
}

// LoadSources decodes inventory files given by name and content, as Load
// does for the files of a folder. Registration uses it to check an edited
// file in memory before writing it.
func LoadSources(dir string, srcs map[string][]byte) (*Inventory, hcl.Diagnostics) {
	inv := &Inventory{Dir: dir, Files: map[string]*hcl.File{}}
	var diags hcl.Diagnostics
	parser := hclparse.NewParser()
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)

	type blocks struct{ variables, locals, rest hcl.Blocks }
	var all blocks
	for _, name := range names {
		f, d := parser.ParseHCL(srcs[name], name)
		diags = append(diags, d...)
		if f == nil {
			continue
		}
		inv.Files[name] = f
		content, d := f.Body.Content(fileSchema)
		diags = append(diags, d...)
		diags = append(diags, literalSecrets(f.Body)...)
		for _, b := range content.Blocks {
			switch b.Type {
			case "variable":
				all.variables = append(all.variables, b)
			case "locals":
				all.locals = append(all.locals, b)
			default:
				all.rest = append(all.rest, b)
			}
		}
	}

	ctx, d := evalContext(all.variables, all.locals)
	diags = append(diags, d...)
	for _, b := range all.rest {
		switch b.Type {
		case "site":
			s, d := decodeSite(b, ctx)
			diags = append(diags, d...)
			inv.Sites = append(inv.Sites, s)
		case "rack":
			r, d := decodeRack(b, ctx)
			diags = append(diags, d...)
			inv.Racks = append(inv.Racks, r)
		case "pdu":
			p, d := decodePDU(b, ctx)
			diags = append(diags, d...)
			inv.PDUs = append(inv.PDUs, p)
		case "credential":
			c, d := decodeCredential(b, ctx)
			diags = append(diags, d...)
			inv.Credentials = append(inv.Credentials, c)
		case "server":
			s, d := decodeServer(b, ctx)
			diags = append(diags, d...)
			inv.Servers = append(inv.Servers, s)
		case "role":
			r, d := decodeRole(b, ctx)
			diags = append(diags, d...)
			inv.Roles = append(inv.Roles, r)
		case "service":
			s, d := decodeService(b, ctx)
			diags = append(diags, d...)
			if inv.Service != nil {
				diags = append(diags, duplicateDiag("service", b.Labels[0], b.DefRange, inv.Service.DeclRange))
				continue
			}
			inv.Service = s
		}
	}
	return inv, dropUnsupportedSecrets(diags)
}

// blockName is how a block is named in messages: `server "fra1-node1"`.
func blockName(b *hcl.Block) string {
	if len(b.Labels) == 0 {
		return b.Type
	}
	return fmt.Sprintf("%s %q", b.Type, strings.Join(b.Labels, " "))
}
