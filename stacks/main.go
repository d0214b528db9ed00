// Command stacks is racksmith's Pulumi program for `pulumi up` (Pulumi.yaml
// at the repository root, runtime go, main stacks/). It only runs
// program.Run, the same function `racksmith up` runs inline.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/stacks/program"
)

func main() { pulumi.Run(program.Run) }
