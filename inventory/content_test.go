package inventory

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decodeSchemas are the schemas blockContent is called with.
var decodeSchemas = []*hcl.BodySchema{
	fileSchema, siteSchema, networkSchema, rackSchema, pduSchema, credentialSchema,
	serverSchema, psuSchema, bmcSchema, nicSchema, diskSchema, storageSchema,
	encryptionSchema, roleSchema, serviceSchema,
}

// shortcutCorpus is every body and expression of the stacks, the invalid
// fixtures and a generated fleet: what the decoding shortcuts are checked on.
func shortcutCorpus(t *testing.T) ([]*hclsyntax.Body, []hcl.Expression) {
	t.Helper()
	fleet := t.TempDir()
	writeFleet(t, fleet, 40)
	var files []string
	for _, pattern := range []string{
		filepath.Join("..", "stacks", "*", "*.hcl"),
		filepath.Join("testdata", "invalid", "*", "*.hcl"),
		filepath.Join(fleet, "*.hcl"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d files found for the corpus", len(files))
	}
	var bodies []*hclsyntax.Body
	var exprs []hcl.Expression
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := hclsyntax.ParseConfig(src, name, hcl.Pos{Line: 1, Column: 1})
		if f == nil {
			continue
		}
		_ = hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			switch n := n.(type) {
			case *hclsyntax.Body:
				bodies = append(bodies, n)
			case *hclsyntax.Attribute:
				exprs = append(exprs, n.Expr)
			case hclsyntax.Expression:
				exprs = append(exprs, n)
			}
			return nil
		})
	}
	return bodies, exprs
}

// The shortcut for well-formed blocks gives what Body.Content gives, and is
// taken only where Content reports nothing.
func TestWellFormedContentMatchesContent(t *testing.T) {
	bodies, _ := shortcutCorpus(t)
	taken := 0
	for _, body := range bodies {
		for _, schema := range decodeSchemas {
			fast, ok := wellFormedContent(body, schema)
			want, diags := body.Content(schema)
			if !ok {
				continue
			}
			taken++
			at := body.SrcRange
			if diags.HasErrors() || len(diags) > 0 {
				t.Fatalf("%s: shortcut taken where Content reports %s", at, diags.Error())
			}
			if len(fast.Attributes) != len(want.Attributes) || len(fast.Blocks) != len(want.Blocks) || fast.MissingItemRange != want.MissingItemRange {
				t.Fatalf("%s: got %d attributes, %d blocks, want %d, %d", at, len(fast.Attributes), len(fast.Blocks), len(want.Attributes), len(want.Blocks))
			}
			for name, w := range want.Attributes {
				g := fast.Attributes[name]
				if g == nil || g.Name != w.Name || g.Expr != w.Expr || g.Range != w.Range || g.NameRange != w.NameRange {
					t.Fatalf("%s: attribute %q: got %+v, want %+v", at, name, g, w)
				}
			}
			for i, w := range want.Blocks {
				g := fast.Blocks[i]
				if g.Type != w.Type || g.Body != w.Body || g.DefRange != w.DefRange || g.TypeRange != w.TypeRange ||
					len(g.Labels) != len(w.Labels) || len(g.LabelRanges) != len(w.LabelRanges) {
					t.Fatalf("%s: block %d: got %+v, want %+v", at, i, g, w)
				}
			}
		}
	}
	if taken < 1000 {
		t.Fatalf("shortcut taken only %d times", taken)
	}
}

// The shortcut for literal values gives what evaluating and converting the
// expression gives.
func TestLiteralMatchesEvaluation(t *testing.T) {
	_, exprs := shortcutCorpus(t)
	taken := 0
	for _, expr := range exprs {
		for _, ty := range []cty.Type{cty.String, cty.Number, cty.List(cty.String), cty.Map(cty.String)} {
			got, ok := literal(expr, ty)
			if !ok {
				continue
			}
			taken++
			v, diags := expr.Value(&hcl.EvalContext{Functions: functions()})
			if diags.HasErrors() {
				t.Fatalf("%s: shortcut taken where evaluation fails: %s", expr.Range(), diags.Error())
			}
			want, err := convert.Convert(v, ty)
			if err != nil || !got.RawEquals(want) {
				t.Fatalf("%s: shortcut %#v, evaluation %#v (%v)", expr.Range(), got, want, err)
			}
		}
	}
	if taken < 1000 {
		t.Fatalf("shortcut taken only %d times", taken)
	}
}
