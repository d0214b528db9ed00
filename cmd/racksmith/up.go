package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/racksmith/racksmith/stacks/program"
)

// stackFlags are the flags of up, preview, refresh and destroy.
type stackFlags struct {
	stack, dir, bin, backend string
	secretEnv                []string
	yes                      bool
}

// envNameRE is an environment variable's name.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// stackOf builds the program.Stack; --secret-env KEY=ENV sets secret stack
// config KEY from environment variable ENV.
func (f stackFlags) stackOf(cmd *cobra.Command) (program.Stack, error) {
	st := program.Stack{Name: f.stack, Dir: f.dir, Bin: f.bin, Backend: f.backend, Out: cmd.OutOrStdout(),
		Secrets: map[string]string{}}
	for _, kv := range f.secretEnv {
		// what was given is not echoed: it may be the secret itself, typed
		// where the name of its environment variable belongs
		key, env, ok := strings.Cut(kv, "=")
		if !ok || key == "" || env == "" {
			return st, &exitError{code: 2, err: fmt.Errorf("--secret-env: want KEY=ENVIRONMENT_VARIABLE (the value is read from the variable, never given on the command line)")}
		}
		if !envNameRE.MatchString(env) {
			return st, &exitError{code: 2, err: fmt.Errorf("--secret-env %s=…: what follows = must name an environment variable (letters, digits, _), not hold the value", key)}
		}
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return st, &exitError{code: 2, err: fmt.Errorf("--secret-env %s: environment variable %s is not set", key, env)}
		}
		st.Secrets[key] = v
	}
	return st, nil
}

func init() {
	mk := func(use, short string, run func(ctx context.Context, cmd *cobra.Command, st program.Stack) error, confirm bool) *cobra.Command {
		var f stackFlags
		c := &cobra.Command{
			Use:   use + " --stack NAME",
			Short: short,
			Long: short + ".\n\nRuns the racksmith Pulumi program inline through the Automation API with the Pulumi CLI\n" +
				"and the provider plugin from bin/, state in a local file backend under stacks/NAME/.pulumi\n" +
				"(--backend for any Pulumi backend), secrets with the passphrase provider\n" +
				"(PULUMI_CONFIG_PASSPHRASE, else a generated 0600 file beside the state).",
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				st, err := f.stackOf(cmd)
				if err != nil {
					return err
				}
				if confirm && !f.yes {
					if err := askFirst(cmd, use, st); err != nil {
						return err
					}
				}
				start := time.Now()
				err = run(cmd.Context(), cmd, st)
				fmt.Fprintf(cmd.ErrOrStderr(), "racksmith %s --stack %s: %.1fs\n", use, f.stack, time.Since(start).Seconds())
				if err != nil {
					return &exitError{code: 1, err: err}
				}
				return nil
			},
		}
		c.Flags().StringVar(&f.stack, "stack", "", "stack name (stacks/Pulumi.NAME.yaml; required)")
		c.Flags().StringVar(&f.dir, "dir", "", "project folder holding Pulumi.yaml (default: found from the working directory up)")
		c.Flags().StringVar(&f.bin, "bin", "", "folder with pulumi and pulumi-resource-racksmith (default DIR/bin)")
		c.Flags().StringVar(&f.backend, "backend", "", "Pulumi backend URL (default file://DIR/stacks/NAME/.pulumi)")
		c.Flags().StringArrayVar(&f.secretEnv, "secret-env", nil, "set secret config KEY from environment variable ENV (KEY=ENV, repeatable)")
		if confirm {
			c.Flags().BoolVarP(&f.yes, "yes", "y", false, "proceed without asking (required without a terminal)")
		}
		_ = c.MarkFlagRequired("stack")
		return c
	}
	rootCmd.AddCommand(
		mk("up", "Install and update the stack's servers", func(ctx context.Context, cmd *cobra.Command, st program.Stack) error {
			_, err := st.Up(ctx)
			return err
		}, true),
		mk("preview", "Show what up would change, touching no BMC and no boot server", func(ctx context.Context, cmd *cobra.Command, st program.Stack) error {
			changes, summary, err := st.Preview(ctx)
			if err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "preview: %s (changes: %v)\n", summary, changes)
			}
			return err
		}, false),
		mk("refresh", "Read the servers' power and install state into the stack", func(ctx context.Context, cmd *cobra.Command, st program.Stack) error {
			_, err := st.Refresh(ctx)
			return err
		}, true),
		mk("destroy", "Wipe and power off the stack's servers", func(ctx context.Context, cmd *cobra.Command, st program.Stack) error {
			_, err := st.Destroy(ctx)
			return err
		}, true),
	)
}

// askFirst asks on a terminal before up, refresh or destroy (after showing
// the preview for up); without a terminal it refuses: pass --yes.
func askFirst(cmd *cobra.Command, use string, st program.Stack) error {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return &exitError{code: 2, err: fmt.Errorf("%s changes hardware and there is no terminal to ask: pass --yes", use)}
	}
	if use == "up" {
		changes, summary, err := st.Preview(cmd.Context())
		if err != nil {
			return &exitError{code: 1, err: err}
		}
		if !changes {
			fmt.Fprintf(cmd.OutOrStdout(), "No changes (%s).\n", summary)
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Do you want to perform this %s of stack %s? [y/N] ", use, st.Name)
	answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return &exitError{code: 1, err: fmt.Errorf("%s cancelled", use)}
	}
	return nil
}

// pulumiPreview is the Pulumi preview for `racksmith plan` (planPreviewer).
// The project is the folder holding the stacks folder (its Pulumi.yaml),
// the CLI and the provider come from its bin/. It runs only on a stack that
// already has a state in the default file backend, so that plan creates
// nothing; otherwise it says why it was skipped (previewSkipped).
type pulumiPreview struct{}

var _ planPreviewer = pulumiPreview{}

// Preview counts what an up of the stack would do: the engine runs the
// program and the provider's Check and Diff, and Create/Update only as a
// dry run, so no BMC and no boot server is contacted. Pulumi's progress
// goes to stderr.
func (pulumiPreview) Preview(ctx context.Context, stacksDir, stack string) (*planChanges, error) {
	dir, err := filepath.Abs(filepath.Dir(filepath.Clean(stacksDir)))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err != nil {
		return nil, previewSkipped("no Pulumi project (Pulumi.yaml) in " + dir)
	}
	st := program.Stack{Name: stack, Dir: dir, Out: os.Stderr}
	if st.StateFile() == "" {
		return nil, previewSkipped(fmt.Sprintf("stack %s has no Pulumi state in %s (run racksmith up or preview first)",
			stack, filepath.Join(stacksDir, stack, ".pulumi")))
	}
	for _, exe := range []string{"pulumi", "pulumi-resource-racksmith"} {
		if _, err := os.Stat(filepath.Join(dir, "bin", exe)); err != nil {
			return nil, previewSkipped(fmt.Sprintf("%s not found in %s (make setup build)", exe, filepath.Join(dir, "bin")))
		}
	}
	c, err := st.PreviewCounts(ctx)
	if err != nil {
		return nil, err
	}
	return &planChanges{Create: c["create"], Update: c["update"], Replace: c["replace"], Delete: c["delete"],
		Summary: fmt.Sprintf("%d to create, %d to update, %d to replace, %d to delete, %d unchanged",
			c["create"], c["update"], c["replace"], c["delete"], c["same"])}, nil
}
