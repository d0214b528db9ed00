package labtest

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// SecretEnv gives `racksmith up` the lab's BMC password from the
// environment `racksmith lab exec` sets (never on a command line).
var SecretEnv = []string{"--secret-env", "racksmith:bmcPassword=LAB_BMC_PASSWORD"}

// Racksmith runs bin/racksmith with args in the repository, with the lab's
// namespace and run directory for `lab …` commands, and returns its
// combined output (also logged).
func (l *Lab) Racksmith(ctx context.Context, args ...string) (string, error) {
	l.T.Helper()
	if len(args) > 0 && args[0] == "lab" {
		args = append(slices.Clone(args[:2]), append([]string{"--namespace", l.Namespace, "--run-dir", l.RunDir}, args[2:]...)...)
	}
	return l.run(ctx, l.bin("racksmith"), args...)
}

// InLab runs bin/racksmith with args inside the lab's namespace (through
// `racksmith lab exec`, which puts the BMC password and the boot servers'
// API token in the environment).
func (l *Lab) InLab(ctx context.Context, args ...string) (string, error) {
	l.T.Helper()
	return l.Racksmith(ctx, append([]string{"lab", "exec", "--", l.bin("racksmith")}, args...)...)
}

// StackCmd runs a stack command (up, preview, refresh, destroy) of the test's
// stack inside the lab, with --yes where it asks and the BMC password.
func (l *Lab) StackCmd(ctx context.Context, verb string, extra ...string) (string, error) {
	l.T.Helper()
	args := []string{verb, "--stack", l.Stack, "--dir", l.Project, "--bin", filepath.Join(l.Root, "bin")}
	if verb != "preview" {
		args = append(args, "--yes")
	}
	args = append(args, SecretEnv...)
	return l.InLab(ctx, append(args, extra...)...)
}

// MustStack is StackCmd failing the test on an error.
func (l *Lab) MustStack(ctx context.Context, verb string, extra ...string) string {
	l.T.Helper()
	out, err := l.StackCmd(ctx, verb, extra...)
	if err != nil {
		l.T.Fatalf("racksmith %s --stack %s: %v\n%s", verb, l.Stack, err, out)
	}
	return out
}

func (l *Lab) run(ctx context.Context, exe string, args ...string) (string, error) {
	l.T.Helper()
	var out bytes.Buffer
	c := exec.CommandContext(ctx, exe, args...)
	c.Dir = l.Root
	c.Stdout, c.Stderr = &out, &out
	c.WaitDelay = 5 * time.Second
	start := time.Now()
	err := c.Run()
	l.T.Logf("$ %s %s (%.1fs)\n%s", filepath.Base(exe), strings.Join(args, " "), time.Since(start).Seconds(), out.String())
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %w", filepath.Base(exe), strings.Join(args, " "), err)
	}
	return out.String(), nil
}
