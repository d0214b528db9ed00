// Command racksmith is the operator's, the rack technician's and CI's tool:
// it validates and plans inventories, registers hardware, serves PXE, runs
// the virtual lab and drives Pulumi. main only wires packages together; each
// subcommand lives in its own file and registers itself on rootCmd.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var rootCmd = &cobra.Command{
	Use:           "racksmith",
	Short:         "Infrastructure as code for bare-metal fleets",
	SilenceUsage:  true,
	SilenceErrors: true,
}

// exitError carries a process exit code through cobra (1 errors, 2 changes).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func main() {
	if err := rootCmd.Execute(); err != nil {
		code := 1
		if ee, ok := err.(*exitError); ok {
			code = ee.code
		}
		if ee, ok := err.(*exitError); !ok || ee.err != nil {
			fmt.Fprintln(os.Stderr, "racksmith:", err)
		}
		os.Exit(code)
	}
}
