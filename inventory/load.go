package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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
	inv := &Inventory{Dir: dir, Files: make(map[string]*hcl.File, len(srcs))}
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)

	// Files parse independently: in parallel, results kept in name order.
	type parsed struct {
		file    *hcl.File
		content *hcl.BodyContent
		diags   hcl.Diagnostics
	}
	files := make([]parsed, len(names))
	parallel(len(names), func(i int) {
		p := &files[i]
		f, d := hclsyntax.ParseConfig(srcs[names[i]], names[i], hcl.Pos{Line: 1, Column: 1})
		p.diags = d
		if f == nil || f.Body == nil {
			p.file = nil
			return
		}
		p.file = f
		content, d := f.Body.Content(fileSchema)
		p.content = content
		p.diags = append(p.diags, d...)
		p.diags = append(p.diags, literalSecrets(f.Body)...)
	})

	var diags hcl.Diagnostics
	var variables, locals hcl.Blocks
	rest := make([]hcl.Blocks, len(names))
	for i, p := range files {
		diags = append(diags, p.diags...)
		if p.file == nil {
			continue
		}
		inv.Files[names[i]] = p.file
		for _, b := range p.content.Blocks {
			switch b.Type {
			case "variable":
				variables = append(variables, b)
			case "locals":
				locals = append(locals, b)
			default:
				rest[i] = append(rest[i], b)
			}
		}
	}
	ctx, d := evalContext(variables, locals)
	diags = append(diags, d...)

	// Blocks decode independently once the scope is known: per file in
	// parallel, merged in file order.
	parts := make([]*Inventory, len(names))
	partDiags := make([]hcl.Diagnostics, len(names))
	parallel(len(names), func(i int) {
		parts[i], partDiags[i] = decodeBlocks(rest[i], ctx)
	})
	for i, part := range parts {
		diags = append(diags, partDiags[i]...)
		inv.Sites = append(inv.Sites, part.Sites...)
		inv.Racks = append(inv.Racks, part.Racks...)
		inv.PDUs = append(inv.PDUs, part.PDUs...)
		inv.Credentials = append(inv.Credentials, part.Credentials...)
		inv.Servers = append(inv.Servers, part.Servers...)
		inv.Roles = append(inv.Roles, part.Roles...)
		if s := part.Service; s != nil {
			if inv.Service != nil {
				diags = append(diags, duplicateDiag("service", "mail", s.DeclRange, inv.Service.DeclRange))
				continue
			}
			inv.Service = s
		}
	}
	return inv, dropUnsupportedSecrets(diags)
}

// decodeBlocks decodes the top-level blocks of one file, in order.
func decodeBlocks(blocks hcl.Blocks, ctx *hcl.EvalContext) (*Inventory, hcl.Diagnostics) {
	inv := &Inventory{}
	var diags hcl.Diagnostics
	for _, b := range blocks {
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
	return inv, diags
}

// parallel runs f(0) … f(n-1) on up to GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// blockName is how a block is named in messages: `server "fra1-node1"`.
func blockName(b *hcl.Block) string {
	if len(b.Labels) == 0 {
		return b.Type
	}
	return fmt.Sprintf("%s %q", b.Type, strings.Join(b.Labels, " "))
}
