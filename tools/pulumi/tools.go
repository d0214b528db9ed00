//go:build tools

// Package tools pins the Pulumi CLI, built from the Go module proxy into bin/.
// It is its own module so the CLI's dependencies stay out of the project's graph.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
