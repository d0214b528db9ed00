// Package component declares the mail service's roles as Pulumi component
// resources: one type per role ("racksmith:modules:LB", …, each built from
// that role's pure renderer in modules/<role>) under one
// "racksmith:modules:Mail". A role component's output "files" maps host ->
// path -> {mode, sha256, content}, so a program (or a reader of the stack's
// state) sees per host what the role lays down. The renderers know nothing
// of Pulumi; only this package does.
package component

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/modules/render"
)

// Role is one role's component resource.
type Role struct {
	pulumi.ResourceState

	// Files is host -> path -> {"mode", "sha256", "content"}.
	Files pulumi.MapOutput `pulumi:"files"`
	// Hosts lists the hosts the role renders files for, sorted.
	Hosts pulumi.StringArrayOutput `pulumi:"hosts"`

	// Rendered is the same files as plain values, known at preview, for
	// handing to each host's Server resource.
	Rendered render.HostFiles
}

// New registers typ (e.g. "racksmith:modules:LB") called name with files as
// its outputs.
func New(ctx *pulumi.Context, typ, name string, files render.HostFiles, opts ...pulumi.ResourceOption) (*Role, error) {
	r := &Role{Rendered: files}
	if err := ctx.RegisterComponentResource(typ, name, r, opts...); err != nil {
		return nil, fmt.Errorf("register %s %s: %w", typ, name, err)
	}
	out := Outputs(files)
	r.Files = out.ToMapOutput()
	hosts := pulumi.StringArray{}
	for _, h := range files.Hosts() {
		hosts = append(hosts, pulumi.String(h))
	}
	r.Hosts = hosts.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"files": out, "hosts": hosts}); err != nil {
		return nil, fmt.Errorf("outputs of %s %s: %w", typ, name, err)
	}
	return r, nil
}

// Outputs is files as a Pulumi value: host -> path -> {mode, sha256, content}.
func Outputs(files render.HostFiles) pulumi.Map {
	out := pulumi.Map{}
	for host, fs := range files {
		m := pulumi.Map{}
		for _, f := range fs {
			m[f.Path] = pulumi.Map{
				"mode":    pulumi.Int(int(f.Mode)),
				"sha256":  pulumi.String(f.SHA256()),
				"content": pulumi.String(string(f.Content)),
			}
		}
		out[host] = m
	}
	return out
}
