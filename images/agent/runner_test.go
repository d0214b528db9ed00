package agent

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/images/agent/diskplan"
)

// TestRunnerKey: the key goes to stdin only; output echoing it is redacted,
// and neither logs nor errors carry it.
func TestRunnerKey(t *testing.T) {
	var logs bytes.Buffer
	r := &ExecRunner{Log: slog.New(slog.NewTextHandler(&logs, nil))}
	key := []byte("s3cret-passphrase")
	out, err := r.Run(context.Background(), diskplan.Step{Stage: "luks", Argv: []string{"sh", "-c", "cat; echo; exit 3"}, Stdin: diskplan.StdinKey}, key)
	var se *StageError
	if !errors.As(err, &se) || se.Stage != "luks" {
		t.Fatalf("error %v is not a luks StageError", err)
	}
	if !strings.Contains(out, "[key]") {
		t.Errorf("the command did not get the key on stdin: %q", out)
	}
	for name, s := range map[string]string{"output": out, "error": err.Error(), "stage output": se.Output, "log": logs.String()} {
		if strings.Contains(s, string(key)) {
			t.Errorf("%s leaks the key: %q", name, s)
		}
	}
	// a step that does not ask for the key does not get it
	out, err = r.Run(context.Background(), diskplan.Step{Stage: "raid", Argv: []string{"cat"}}, key)
	if err != nil || out != "" {
		t.Errorf("keyless step read %q (%v)", out, err)
	}
}
