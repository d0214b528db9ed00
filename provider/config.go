package provider

import (
	"context"
	"os"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// TokenEnv is the environment variable the boot server API token is read
// from when racksmith:apiToken is not set.
const TokenEnv = "RACKSMITH_API_TOKEN"

// Config is the provider's configuration. It deliberately holds nothing
// host-local (paths, ports): the engine would replace every server when
// provider config changes, so DiffConfig (provider.go) never asks for
// replacement, and what the provider needs per host comes from its inputs.
//
// The engine also hands the provider the program's own settings of the
// racksmith namespace (racksmith:inventory, racksmith:bmcPassword); they
// are not part of the schema and are ignored.
type Config struct {
	APIToken *string `pulumi:"apiToken,optional" provider:"secret"`
}

// Annotate documents the configuration.
func (c *Config) Annotate(a infer.Annotator) {
	a.Describe(&c.APIToken, "Bearer token of the boot servers' provisioning API. Defaults to $"+TokenEnv+".")
}

// apiToken is the configured token, else the environment's.
func apiToken(ctx context.Context) (string, error) {
	if c := configOf(ctx); c.APIToken != nil && *c.APIToken != "" {
		return *c.APIToken, nil
	}
	if t := os.Getenv(TokenEnv); t != "" {
		return t, nil
	}
	return "", ErrNoToken
}

// configOf returns the provider configuration, or the zero config when the
// provider was not configured (a bare in-process test).
func configOf(ctx context.Context) (c Config) {
	defer func() {
		if recover() != nil {
			c = Config{}
		}
	}()
	return infer.GetConfig[Config](ctx)
}

// diffConfig reports config changes without ever replacing resources: the
// token can rotate without reinstalling a fleet.
func diffConfig(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	return p.DiffResponse{HasChanges: !property.New(req.State).Equals(property.New(req.Inputs))}, nil
}
