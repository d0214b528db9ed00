// Package provider is racksmith's Pulumi provider, built with
// pulumi-go-provider's infer: the resource racksmith:index:Server installs a
// bare-metal machine through its BMC (provider/bmc) and its site's boot
// server (pxe/client), and wipes it on delete. Each resource is two files,
// its types (server_types.go) and its controller (server*.go); this file only
// registers them.
package provider

import (
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Name is the provider's package name; Version its version.
const (
	Name    = "racksmith"
	Version = "0.1.0"
)

// New returns the provider, reaching boot servers and BMCs through deps.
func New(deps Deps) (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("racksmith").
		WithDescription("Bare-metal servers installed through their BMC and a PXE boot server.").
		WithNamespace("racksmith").
		WithGoImportPath("github.com/racksmith/racksmith/sdk/go/racksmith").
		WithResources(infer.Resource(&Server{deps: deps.withDefaults()})).
		WithConfig(infer.Config(&Config{})).
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"provider": "index"}).
		Build()
	if err != nil {
		return p.Provider{}, fmt.Errorf("build provider: %w", err)
	}
	prov.DiffConfig = diffConfig
	return prov, nil
}
