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

// exitError carries a process exit code through cobra: 1 for every error,
// usage errors (a bad flag value, a missing required flag) included; 2 only
// for "there are changes" (plan --detailed-exitcode, roles diff), never for
// an error.
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
	os.Exit(exitCode(rootCmd.Execute()))
}

// exitCode prints err (unless it is a bare exit status) and returns the
// process exit code for it: 0 for nil, an exitError's code, else 1.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	code := 1
	if ee, ok := err.(*exitError); ok {
		code = ee.code
	}
	if ee, ok := err.(*exitError); !ok || ee.err != nil {
		fmt.Fprintln(os.Stderr, "racksmith:", err)
	}
	return code
}
