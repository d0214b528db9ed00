package inventory

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/gocty"
)

// attrs evaluates the attributes of one block into Go values, recording each
// attribute's range and collecting diagnostics rather than stopping at the
// first. Missing optional attributes leave the destination untouched.
type attrs struct {
	ctx   *hcl.EvalContext
	set   hcl.Attributes
	diags *hcl.Diagnostics
	out   *AttrRanges
	block string // e.g. `server "fra1-node1"`, for messages
}

func (a attrs) value(name string, ty cty.Type) (cty.Value, *hcl.Attribute, bool) {
	at, ok := a.set[name]
	if !ok {
		return cty.NilVal, nil, false
	}
	if *a.out == nil {
		*a.out = make(AttrRanges, 0, len(a.set))
	}
	*a.out = append(*a.out, AttrRange{Name: name, Range: at.Expr.Range()})
	if v, ok := literal(at.Expr, ty); ok {
		return v, at, true
	}
	v, d := at.Expr.Value(a.ctx)
	*a.diags = append(*a.diags, d...)
	if d.HasErrors() {
		return cty.NilVal, at, false
	}
	if v.IsNull() {
		a.errorf(at, "Invalid value for %q", "%s: %q must not be null.", a.block, name)
		return cty.NilVal, at, false
	}
	if !v.IsWhollyKnown() {
		a.errorf(at, "Invalid value for %q", "%s: %q must be known when the inventory loads.", a.block, name)
		return cty.NilVal, at, false
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		a.errorf(at, "Invalid value for %q", "%s: %q: %s required.", a.block, name, ty.FriendlyName())
		return cty.NilVal, at, false
	}
	return cv, at, true
}

func (a attrs) errorf(at *hcl.Attribute, summary, detail string, args ...any) {
	nameArg := at.Name
	*a.diags = append(*a.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf(summary, nameArg),
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  at.Expr.Range().Ptr(),
	})
}

func (a attrs) str(name string, dst *string) *hcl.Attribute {
	v, at, ok := a.value(name, cty.String)
	if ok {
		*dst = v.AsString()
	}
	return at
}

func (a attrs) int(name string, dst *int) *hcl.Attribute {
	v, at, ok := a.value(name, cty.Number)
	if !ok {
		return at
	}
	var i int
	if err := gocty.FromCtyValue(v, &i); err != nil {
		a.errorf(at, "Invalid value for %q", "%s: %q must be a whole number.", a.block, name)
		return at
	}
	*dst = i
	return at
}

func (a attrs) strs(name string, dst *[]string) *hcl.Attribute {
	v, at, ok := a.value(name, cty.List(cty.String))
	if !ok {
		return at
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			a.errorf(at, "Invalid value for %q", "%s: %q must not contain null.", a.block, name)
			return at
		}
		out = append(out, e.AsString())
	}
	*dst = out
	return at
}

func (a attrs) strMap(name string, dst *map[string]string) *hcl.Attribute {
	v, at, ok := a.value(name, cty.Map(cty.String))
	if !ok {
		return at
	}
	out := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() {
			a.errorf(at, "Invalid value for %q", "%s: %q must not contain null.", a.block, name)
			return at
		}
		out[k.AsString()] = e.AsString()
	}
	*dst = out
	return at
}

func (a attrs) prefix(name string, dst *netip.Prefix) *hcl.Attribute {
	v, at, ok := a.value(name, cty.String)
	if !ok {
		return at
	}
	p, err := netip.ParsePrefix(v.AsString())
	if err != nil {
		a.errorf(at, "Invalid value for %q", "%s: %q must be an address with prefix length such as \"10.11.0.21/24\": %s.", a.block, name, err)
		return at
	}
	*dst = p
	return at
}

func (a attrs) addr(name string, dst *netip.Addr) *hcl.Attribute {
	v, at, ok := a.value(name, cty.String)
	if !ok {
		return at
	}
	ip, err := netip.ParseAddr(v.AsString())
	if err != nil {
		a.errorf(at, "Invalid value for %q", "%s: %q must be an IP address: %s.", a.block, name, err)
		return at
	}
	*dst = ip
	return at
}

func (a attrs) addrs(name string, dst *[]netip.Addr) *hcl.Attribute {
	v, at, ok := a.value(name, cty.List(cty.String))
	if !ok {
		return at
	}
	out := make([]netip.Addr, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			a.errorf(at, "Invalid value for %q", "%s: %q must not contain null.", a.block, name)
			return at
		}
		s := e.AsString()
		ip, err := netip.ParseAddr(s)
		if err != nil {
			a.errorf(at, "Invalid value for %q", "%s: %q must be a list of IP addresses: %s.", a.block, name, err)
			return at
		}
		out = append(out, ip)
	}
	*dst = out
	return at
}

func (a attrs) has(name string) bool {
	_, ok := a.set[name]
	return ok
}

// literal returns the value of an expression written as a plain literal of
// type ty — a number, a quoted string without interpolation, or a list of
// such strings — without evaluating it. Evaluating gives the same value;
// the shortcut only saves the evaluation's allocations, which dominate
// decoding a large inventory. Anything else reports false.
func literal(expr hcl.Expression, ty cty.Type) (cty.Value, bool) {
	switch {
	case ty == cty.String:
		return literalString(expr)
	case ty == cty.Number:
		if e, ok := expr.(*hclsyntax.LiteralValueExpr); ok && plain(e.Val, cty.Number) {
			return e.Val, true
		}
	case ty.Equals(cty.List(cty.String)):
		e, ok := expr.(*hclsyntax.TupleConsExpr)
		if !ok {
			return cty.NilVal, false
		}
		if len(e.Exprs) == 0 {
			return cty.ListValEmpty(cty.String), true
		}
		vals := make([]cty.Value, len(e.Exprs))
		for i, x := range e.Exprs {
			v, ok := literalString(x)
			if !ok {
				return cty.NilVal, false
			}
			vals[i] = v
		}
		return cty.ListVal(vals), true
	}
	return cty.NilVal, false
}

// literalString is literal for a quoted string: a template of one literal
// part, which evaluates to that part's value.
func literalString(expr hcl.Expression) (cty.Value, bool) {
	e, ok := expr.(*hclsyntax.TemplateExpr)
	if !ok || len(e.Parts) != 1 {
		return cty.NilVal, false
	}
	lit, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || !plain(lit.Val, cty.String) {
		return cty.NilVal, false
	}
	return lit.Val, true
}

// plain reports whether v is a known, non-null, unmarked value of type ty.
func plain(v cty.Value, ty cty.Type) bool {
	return v.Type() == ty && v.IsKnown() && !v.IsNull() && !v.IsMarked()
}
