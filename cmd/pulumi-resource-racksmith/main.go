// Command pulumi-resource-racksmith is racksmith's Pulumi provider plugin.
// The engine starts it; `pulumi package get-schema` reads its schema. main
// only wires the provider to the real boot server client and BMC adapter.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/racksmith/racksmith/provider"
)

func main() {
	// The engine owns stdout/stderr of a plugin: diagnostics go to stderr,
	// which the engine shows with -v.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	prov, err := provider.New(provider.Deps{Log: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-racksmith:", err)
		os.Exit(1)
	}
	if err := p.RunProvider(context.Background(), provider.Name, provider.Version, prov); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-racksmith:", err)
		os.Exit(1)
	}
}
