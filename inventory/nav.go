package inventory

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// sourceNav names the top-level block around a byte offset, as the syntax
// tree's own navigation does for diagnostics ("in server "fra1-node1""),
// so that the tree need not be kept once the inventory is decoded.
type sourceNav []navBlock

type navBlock struct {
	start, end int
	name       string
	def        hcl.Range
}

func newSourceNav(body *hclsyntax.Body) sourceNav {
	nav := make(sourceNav, 0, len(body.Blocks))
	for _, b := range body.Blocks {
		name := b.Type
		if len(b.Labels) > 0 {
			var sb strings.Builder
			sb.WriteString(b.Type)
			for _, l := range b.Labels {
				fmt.Fprintf(&sb, " %q", l)
			}
			name = sb.String()
		}
		r := b.Range()
		nav = append(nav, navBlock{start: r.Start.Byte, end: r.End.Byte, name: name, def: b.DefRange()})
	}
	return nav
}

func (n sourceNav) find(offset int) *navBlock {
	i := sort.Search(len(n), func(i int) bool { return n[i].end > offset })
	if i < len(n) && n[i].start <= offset {
		return &n[i]
	}
	return nil
}

// ContextString implements the navigation hcl's diagnostic writer asks for.
func (n sourceNav) ContextString(offset int) string {
	if b := n.find(offset); b != nil {
		return b.name
	}
	return ""
}

// ContextDefRange returns the header range of the block around offset.
func (n sourceNav) ContextDefRange(offset int) hcl.Range {
	if b := n.find(offset); b != nil {
		return b.def
	}
	return hcl.Range{}
}

// lightFile keeps of a parsed file what diagnostics need: its bytes and a
// navigator. The syntax tree is dropped (Body is empty) to keep a large
// inventory's memory small.
func lightFile(f *hcl.File) *hcl.File {
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return f
	}
	return &hcl.File{Body: hcl.EmptyBody(), Bytes: f.Bytes, Nav: newSourceNav(body)}
}
