//go:build tools

// Package deps pins the project's fixed dependencies so that `go mod tidy`
// keeps them while the packages that use them are being written.
package deps

import (
	_ "github.com/bmc-toolbox/bmclib/v2"
	_ "github.com/hashicorp/hcl/v2"
	_ "github.com/hashicorp/hcl/v2/hclwrite"
	_ "github.com/insomniacslk/dhcp/dhcpv4/server4"
	_ "github.com/pin/tftp/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/pulumi/pulumi-go-provider/infer"
	_ "github.com/pulumi/pulumi-go-provider/integration"
	_ "github.com/pulumi/pulumi/sdk/v3/go/auto"
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	_ "github.com/spf13/cobra"
	_ "github.com/zclconf/go-cty/cty"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/crypto/xts"
)
