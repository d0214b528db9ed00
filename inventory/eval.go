package inventory

import (
	"fmt"
	"net/netip"
	"os"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

var variableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "default"}, {Name: "description"}, {Name: "type"},
}}

// VarEnvPrefix names the environment variables that set an inventory's
// variables, as TF_VAR_ does for Terraform: RACKSMITH_VAR_site=fra1 sets
// var.site over its default. A string (or untyped) variable takes the
// value as it is; any other type takes it as an HCL expression
// (RACKSMITH_VAR_racks='["r1","r2"]').
const VarEnvPrefix = "RACKSMITH_VAR_"

// evalContext builds the scope expressions are evaluated in: `var.NAME`
// from variable blocks (RACKSMITH_VAR_NAME, else their defaults), `local.NAME` from locals blocks
// (which may refer to variables and to each other), and a small function
// library as HCL users know it from Terraform.
func evalContext(variables, locals []*hcl.Block) (*hcl.EvalContext, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{},
		Functions: functions(),
	}
	vars := map[string]cty.Value{}
	seen := map[string]hcl.Range{}
	for _, b := range variables {
		name := b.Labels[0]
		if prev, dup := seen[name]; dup {
			diags = append(diags, duplicateDiag("variable", name, b.DefRange, prev))
			continue
		}
		seen[name] = b.DefRange
		content, d := b.Body.Content(variableSchema)
		diags = append(diags, d...)
		ty := cty.DynamicPseudoType
		if at, ok := content.Attributes["type"]; ok {
			t, d := typeexpr.TypeConstraint(at.Expr)
			diags = append(diags, d...)
			if !d.HasErrors() {
				ty = t
			}
		}
		if raw, set := os.LookupEnv(VarEnvPrefix + name); set {
			v, d := envVariable(name, raw, ty, b.DefRange)
			diags = append(diags, d...)
			vars[name] = v
			continue
		}
		at, ok := content.Attributes["default"]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Variable without value",
				Detail: fmt.Sprintf("variable %q has no default and %s%s is not set: set one of them.",
					name, VarEnvPrefix, name),
				Subject: b.DefRange.Ptr(),
			})
			vars[name] = cty.DynamicVal
			continue
		}
		v, d := at.Expr.Value(nil)
		diags = append(diags, d...)
		if cv, err := convert.Convert(v, ty); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid default value for variable",
				Detail:   fmt.Sprintf("variable %q: %s.", name, err),
				Subject:  at.Expr.Range().Ptr(),
			})
			v = cty.DynamicVal
		} else {
			v = cv
		}
		vars[name] = v
	}
	ctx.Variables["var"] = cty.ObjectVal(vars)

	// Locals may refer to each other in any order: evaluate in rounds, each
	// time every local whose references are all resolved.
	pending := map[string]*hcl.Attribute{}
	seen = map[string]hcl.Range{}
	for _, b := range locals {
		as, d := b.Body.JustAttributes()
		diags = append(diags, d...)
		for name, at := range as {
			if prev, dup := seen[name]; dup {
				diags = append(diags, duplicateDiag("local value", name, at.NameRange, prev))
				continue
			}
			seen[name] = at.NameRange
			pending[name] = at
		}
	}
	done := map[string]cty.Value{}
	for len(pending) > 0 {
		progress := false
		for _, name := range sortedKeys(pending) {
			at := pending[name]
			if !localsReady(at.Expr, pending) {
				continue
			}
			ctx.Variables["local"] = cty.ObjectVal(done)
			v, d := at.Expr.Value(ctx)
			diags = append(diags, d...)
			if d.HasErrors() {
				v = cty.DynamicVal
			}
			done[name] = v
			delete(pending, name)
			progress = true
		}
		if !progress {
			for _, name := range sortedKeys(pending) {
				at := pending[name]
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Cycle in local values",
					Detail:   fmt.Sprintf("local.%s depends on itself through other locals.", name),
					Subject:  at.Expr.Range().Ptr(),
				})
				done[name] = cty.DynamicVal
			}
			break
		}
	}
	ctx.Variables["local"] = cty.ObjectVal(done)
	return ctx, diags
}

func localsReady(expr hcl.Expression, pending map[string]*hcl.Attribute) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		if step, ok := tr[1].(hcl.TraverseAttr); ok {
			if _, waiting := pending[step.Name]; waiting {
				return false
			}
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func functions() map[string]function.Function {
	return map[string]function.Function{
		"cidrhost":   cidrHostFunc,
		"concat":     stdlib.ConcatFunc,
		"contains":   stdlib.ContainsFunc,
		"distinct":   stdlib.DistinctFunc,
		"flatten":    stdlib.FlattenFunc,
		"format":     stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc,
		"join":       stdlib.JoinFunc,
		"keys":       stdlib.KeysFunc,
		"length":     stdlib.LengthFunc,
		"lookup":     stdlib.LookupFunc,
		"lower":      stdlib.LowerFunc,
		"max":        stdlib.MaxFunc,
		"merge":      stdlib.MergeFunc,
		"min":        stdlib.MinFunc,
		"range":      stdlib.RangeFunc,
		"replace":    stdlib.ReplaceFunc,
		"split":      stdlib.SplitFunc,
		"upper":      stdlib.UpperFunc,
		"values":     stdlib.ValuesFunc,
	}
}

// cidrHostFunc is Terraform's cidrhost(prefix, hostnum): the address of
// host number hostnum within prefix, without the prefix length.
var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := netip.ParsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("invalid prefix: %w", err)
		}
		n, acc := args[1].AsBigFloat().Int64()
		if acc != 0 || n < 0 {
			return cty.UnknownVal(cty.String), fmt.Errorf("host number must be a whole number ≥ 0")
		}
		bits := p.Addr().BitLen() - p.Bits()
		if bits < 63 && n >= int64(1)<<bits {
			return cty.UnknownVal(cty.String), fmt.Errorf("prefix %s has no host number %d", p, n)
		}
		b := p.Masked().Addr().AsSlice()
		carry := uint64(n)
		for i := len(b) - 1; i >= 0 && carry > 0; i-- {
			sum := uint64(b[i]) + carry&0xff
			b[i] = byte(sum)
			carry = carry>>8 + sum>>8
		}
		a, _ := netip.AddrFromSlice(b)
		return cty.StringVal(a.String()), nil
	},
})

func duplicateDiag(kind, name string, at, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s name", kind),
		Detail:   fmt.Sprintf("%s %q is already declared at %s.", kind, name, prev),
		Subject:  at.Ptr(),
	}
}

// envVariable is variable name's value from its environment variable.
// Errors are reported on the variable block (the value has no file).
func envVariable(name, raw string, ty cty.Type, decl hcl.Range) (cty.Value, hcl.Diagnostics) {
	env := VarEnvPrefix + name
	v := cty.StringVal(raw)
	if ty != cty.String && ty != cty.DynamicPseudoType {
		expr, d := hclsyntax.ParseExpression([]byte(raw), env, hcl.InitialPos)
		if d.HasErrors() {
			return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
				Detail: fmt.Sprintf("variable %q: %s is not an HCL value of type %s: %s", name, env, ty.FriendlyName(), d[0].Summary), Subject: decl.Ptr()}}
		}
		var vd hcl.Diagnostics
		if v, vd = expr.Value(nil); vd.HasErrors() {
			return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
				Detail: fmt.Sprintf("variable %q: %s: %s", name, env, vd[0].Summary), Subject: decl.Ptr()}}
		}
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		return cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("variable %q: %s: %s.", name, env, err), Subject: decl.Ptr()}}
	}
	return cv, nil
}
