package program

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/racksmith/racksmith/inventory"
)

// secretResolver turns a credential's password reference into a secret
// Output: "pulumi:KEY" (stack config, set with --secret), "env:NAME" or
// "file:PATH" (relative to the inventory folder). Errors name the
// credential's file:line, never a value.
type secretResolver struct {
	ctx  *pulumi.Context
	cfg  *config.Config
	dir  string
	seen map[string]pulumi.StringOutput // by credential name: one lookup, one warning
}

// resolve returns the credential's password. In a preview a password that
// cannot be found is a warning and an unknown value, so CI can preview
// without the fleet's secrets; up, refresh and destroy need it.
func (r *secretResolver) resolve(c *inventory.Credential) (pulumi.StringOutput, error) {
	if v, ok := r.seen[c.Name]; ok {
		return v, nil
	}
	v, err := r.lookup(c)
	if err == nil {
		if r.seen == nil {
			r.seen = map[string]pulumi.StringOutput{}
		}
		r.seen[c.Name] = v
	}
	if err != nil && r.ctx != nil && r.ctx.DryRun() {
		_ = r.ctx.Log.Warn(err.Error()+" (unknown in this preview)", nil)
		unknown := pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
		v = pulumi.ToSecret(unknown).(pulumi.StringOutput)
		if r.seen == nil {
			r.seen = map[string]pulumi.StringOutput{}
		}
		r.seen[c.Name] = v
		return v, nil
	}
	return v, err
}

func (r *secretResolver) lookup(c *inventory.Credential) (pulumi.StringOutput, error) {
	kind, ref, _ := strings.Cut(c.PasswordRef, ":")
	where := fmt.Sprintf("%s: credential %q: password", c.DeclRange, c.Name)
	switch kind {
	case "pulumi":
		v, err := r.cfg.TrySecret(ref)
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("%s: stack config racksmith:%s is not set (pulumi config set --secret racksmith:%s ...)", where, ref, ref)
		}
		return v, nil
	case "env":
		v, ok := os.LookupEnv(ref)
		if !ok || v == "" {
			return pulumi.StringOutput{}, fmt.Errorf("%s: environment variable %s is not set", where, ref)
		}
		return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput), nil
	case "file":
		path := ref
		if !filepath.IsAbs(path) {
			path = filepath.Join(r.dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("%s: %w", where, err)
		}
		return pulumi.ToSecret(pulumi.String(strings.TrimSpace(string(b)))).(pulumi.StringOutput), nil
	}
	return pulumi.StringOutput{}, fmt.Errorf("%s: %q is not a reference (env:NAME, file:PATH or pulumi:KEY)", where, kind+":…")
}
