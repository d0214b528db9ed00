package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type diagLine struct {
	level slog.Level
	msg   string
}

// The plugin's handler keeps warnings and every BMC audit line on stderr,
// drops other info records, and reports each audit line on the resource.
func TestLogHandlerKeepsAndForwardsAudit(t *testing.T) {
	var stderr bytes.Buffer
	var diags []diagLine
	log := slog.New(&logHandler{
		out:  slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: slog.LevelInfo}),
		diag: func(_ context.Context, l slog.Level, m string) { diags = append(diags, diagLine{l, m}) },
	}).With("host", "fra1-lb1", "bmc", "10.99.0.11")
	audit := func(level slog.Level, action, result string, attempts int, extra ...slog.Attr) {
		// the attributes of provider/bmc's audit line (audit.go)
		attrs := append([]slog.Attr{slog.String("user", "admin"), slog.String("action", action),
			slog.String("host", "10.99.0.11:623"), slog.String("protocol", "ipmi"), slog.String("result", result),
			slog.Int("attempts", attempts), slog.Duration("duration", 412345*time.Microsecond)}, extra...)
		log.LogAttrs(context.Background(), level, auditMsg, attrs...)
	}
	audit(slog.LevelInfo, "power cycle", "was on, sent cycle", 1)
	audit(slog.LevelInfo, "power status", "on", 1)
	audit(slog.LevelWarn, "power on", "failed", 3, slog.String("error", "bmc 10.99.0.11:623: power on: no answer"))
	log.Info("poll boot server", "mac", "52:54:00:aa:00:01")
	log.Warn("read power state", "mac", "52:54:00:aa:00:01")

	want := []diagLine{
		{slog.LevelInfo, "bmc 10.99.0.11:623: power cycle: was on, sent cycle (user admin, 1 attempt, 412ms)"},
		{slog.LevelDebug, "bmc 10.99.0.11:623: power status: on (user admin, 1 attempt, 412ms)"},
		{slog.LevelWarn, "bmc 10.99.0.11:623: power on: failed (user admin, 3 attempts, 412ms): bmc 10.99.0.11:623: power on: no answer"},
	}
	if len(diags) != len(want) {
		t.Fatalf("diagnostics %v, want %v", diags, want)
	}
	for i := range want {
		if diags[i] != want[i] {
			t.Errorf("diagnostic %d = %v, want %v", i, diags[i], want[i])
		}
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 4 || strings.Contains(stderr.String(), "poll boot server") ||
		!strings.Contains(lines[0], `level=INFO msg="bmc action" host=fra1-lb1 bmc=10.99.0.11 user=admin action="power cycle"`) ||
		!strings.Contains(lines[3], `level=WARN msg="read power state"`) {
		t.Fatalf("stderr: want the 3 audit lines and the warning, not the info line:\n%s", stderr.String())
	}
}
