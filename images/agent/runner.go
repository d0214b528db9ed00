package agent

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"time"

	"github.com/racksmith/racksmith/images/agent/diskplan"
)

// Runner runs one command of the layout. key is fed on stdin when the step
// asks for it; it never appears in argv, logs or errors.
type Runner interface {
	Run(ctx context.Context, s diskplan.Step, key []byte) (output string, err error)
}

// ExecRunner runs commands with os/exec.
type ExecRunner struct {
	Log *slog.Logger
	Env []string // extra environment, e.g. DM_DISABLE_UDEV=1
}

var _ Runner = (*ExecRunner)(nil)

// Run implements Runner.
func (r *ExecRunner) Run(ctx context.Context, s diskplan.Step, key []byte) (string, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, s.Argv[0], s.Argv[1:]...)
	cmd.Env = append(cmd.Environ(), r.Env...)
	if s.Stdin == diskplan.StdinKey {
		cmd.Stdin = bytes.NewReader(key)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := out.String()
	if len(key) > 0 {
		text = strings.ReplaceAll(text, string(key), "[key]")
	}
	r.Log.Info("run", "stage", s.Stage, "cmd", strings.Join(s.Argv, " "), "seconds", time.Since(start).Seconds(), "err", err)
	if err != nil {
		return text, &StageError{Stage: s.Stage, Err: fmt.Errorf("%s: %w", strings.Join(s.Argv, " "), err), Output: text}
	}
	return text, nil
}

// run is a shorthand for a keyless command.
func (a *Agent) run(ctx context.Context, stage string, argv ...string) (string, error) {
	return a.Runner.Run(ctx, diskplan.Step{Stage: stage, Argv: argv}, nil)
}
