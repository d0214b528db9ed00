// Command pulumi-resource-racksmith is racksmith's Pulumi provider plugin.
// The engine starts it; `pulumi package get-schema` reads its schema. main
// wires the provider to the real boot server client and BMC adapter, and
// picks where logs go.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/racksmith/racksmith/provider"
)

func main() {
	log := slog.New(&logHandler{
		out:  slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}),
		diag: diagnose,
	})
	prov, err := provider.New(provider.Deps{Log: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-racksmith:", err)
		os.Exit(1)
	}
	if err := p.RunProvider(context.Background(), provider.Name, provider.Version, prov); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-racksmith:", err)
		os.Exit(1)
	}
}

// auditMsg is the message of provider/bmc's audit line (audit.go), one per
// BMC action.
const auditMsg = "bmc action"

// logHandler is the plugin's slog handler. To stderr (which the engine
// keeps as debug diagnostics: shown by `pulumi up --debug`, and in its log
// from -v=3) go warnings and errors from anywhere, and every BMC audit line,
// at info level for a success. Each audit line is also sent to diag, which
// reports it on the resource being operated.
type logHandler struct {
	out  slog.Handler
	diag func(ctx context.Context, level slog.Level, msg string)
}

func (h *logHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo && h.out.Enabled(ctx, l)
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	audit := r.Message == auditMsg
	if !audit && r.Level < slog.LevelWarn {
		return nil
	}
	if audit && h.diag != nil {
		level, msg := auditDiag(r)
		h.diag(ctx, level, msg)
	}
	return h.out.Handle(ctx, r)
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &logHandler{out: h.out.WithAttrs(as), diag: h.diag}
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{out: h.out.WithGroup(name), diag: h.diag}
}

// auditDiag words an audit line for the resource's diagnostics, e.g.
// "bmc 10.99.0.11:623: power cycle: was on, sent cycle (user admin, 1
// attempt, 1.2s)". A failed action is a warning; a successful power read
// (every few seconds while an installer runs) only a debug line; any other
// success is info.
func auditDiag(r slog.Record) (slog.Level, string) {
	f := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		v := a.Value.Resolve()
		if v.Kind() == slog.KindDuration {
			f[a.Key] = v.Duration().Round(time.Millisecond).String()
		} else {
			f[a.Key] = v.String()
		}
		return true
	})
	attempts := f["attempts"] + " attempts"
	if f["attempts"] == "1" {
		attempts = "1 attempt"
	}
	msg := fmt.Sprintf("bmc %s: %s: %s (user %s, %s, %s)", f["host"], f["action"], f["result"], f["user"], attempts, f["duration"])
	switch {
	case r.Level >= slog.LevelWarn:
		return slog.LevelWarn, msg + ": " + f["error"]
	case f["action"] == "power status":
		return slog.LevelDebug, msg
	}
	return slog.LevelInfo, msg
}

// diagnose reports msg as a diagnostic on the resource whose request ctx
// belongs to, even when ctx was cancelled (a cut action is audited too).
func diagnose(ctx context.Context, level slog.Level, msg string) {
	l := p.GetLogger(context.WithoutCancel(ctx))
	switch {
	case level >= slog.LevelWarn:
		l.Warning(msg)
	case level < slog.LevelInfo:
		l.Debug(msg)
	default:
		l.Info(msg)
	}
}
