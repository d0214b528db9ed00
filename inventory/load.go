package inventory

import (
	"bytes"
	"fmt"
	"os"
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
// them together into one Inventory. Hidden files (".#servers.hcl", an
// editor's lock) are left out; a file that is not regular, is
// over MaxFileSize or is not text gets one diagnostic and the others are
// still loaded. Diagnostics are collected across all files; the returned
// Inventory holds whatever decoded, even with errors, so that callers can
// print diagnostics with snippets from inv.Files.
func Load(dir string) (*Inventory, hcl.Diagnostics) {
	names, err := stackFiles(dir)
	if err != nil {
		summary := "No inventory files"
		if fi, e := os.Stat(dir); e != nil || !fi.IsDir() {
			summary = "No stack directory"
		}
		return &Inventory{Dir: dir, Files: map[string]*hcl.File{}}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  summary,
			Detail:   err.Error(),
		}}
	}
	srcs := make(map[string][]byte, len(names))
	var diags hcl.Diagnostics
	for _, name := range names {
		b, d := readStackFile(name)
		if d != nil {
			diags = append(diags, d)
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
	// a binary file is one error, not thousands of syntax errors
	var textDiags hcl.Diagnostics
	texts := names[:0]
	for _, name := range names {
		if d := checkText(name, srcs[name]); d != nil {
			textDiags = append(textDiags, d)
			continue
		}
		texts = append(texts, name)
	}
	names = texts

	// Pass 1: the scope. Only files that can hold variable or locals blocks
	// are parsed here; their diagnostics are reported by pass 2.
	scopeBlocks := make([]hcl.Blocks, len(names))
	parallel(len(names), func(i int) {
		src := srcs[names[i]]
		if !bytes.Contains(src, []byte("variable")) && !bytes.Contains(src, []byte("locals")) {
			return
		}
		f, _ := hclsyntax.ParseConfig(src, names[i], hcl.Pos{Line: 1, Column: 1})
		if f == nil || f.Body == nil {
			return
		}
		content, _ := f.Body.Content(fileSchema)
		for _, blk := range content.Blocks {
			if blk.Type == "variable" || blk.Type == "locals" {
				scopeBlocks[i] = append(scopeBlocks[i], blk)
			}
		}
	})
	var variables, locals hcl.Blocks
	for _, bs := range scopeBlocks {
		for _, blk := range bs {
			if blk.Type == "variable" {
				variables = append(variables, blk)
			} else {
				locals = append(locals, blk)
			}
		}
	}
	ctx, diags := evalContext(variables, locals)
	diags = append(textDiags, diags...)

	// Pass 2: each file is parsed, decoded and its syntax tree dropped, in
	// parallel; results are merged in file order. Peak memory stays near
	// one file's tree per worker rather than the whole inventory's.
	type result struct {
		file  *hcl.File
		part  *Inventory
		diags hcl.Diagnostics
	}
	results := make([]result, len(names))
	parallel(len(names), func(i int) {
		r := &results[i]
		f, d := hclsyntax.ParseConfig(srcs[names[i]], names[i], hcl.Pos{Line: 1, Column: 1})
		r.diags = d
		if f == nil || f.Body == nil {
			r.part = &Inventory{}
			return
		}
		content, d := f.Body.Content(fileSchema)
		r.diags = append(r.diags, d...)
		r.diags = append(r.diags, literalSecrets(f.Body)...)
		part, d := decodeBlocks(content.Blocks, ctx)
		r.part, r.diags = part, append(r.diags, d...)
		r.file = lightFile(f)
	})
	for i, r := range results {
		diags = append(diags, r.diags...)
		if r.file != nil {
			inv.Files[names[i]] = r.file
		}
		part := r.part
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

// decodeBlocks decodes the top-level blocks of one file, in order;
// variable and locals blocks belong to the scope and are skipped.
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
