package bmc

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// records keeps every slog record it is handed, with its attributes.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.list = append(h.list, r.Clone())
	return nil
}
func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

// TestAuditLineOfSuccessfulAction: each successful action against a real
// ipmi_sim writes one info-level record "bmc action" (what the plugin's
// handler keeps and forwards, cmd/pulumi-resource-racksmith) saying who
// did what to which BMC with which result, and no attribute holds the
// password.
func TestAuditLineOfSuccessfulAction(t *testing.T) {
	sim := startSim(t)
	h := &records{}
	c := New(sim.ep, slog.New(h))
	ctx := context.Background()
	if err := c.SetPXEOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPower(ctx, "cycle"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PowerState(ctx); err != nil {
		t.Fatal(err)
	}
	want := []struct{ action, result string }{
		{"boot device pxe once", "next boot pxe"},
		{"power cycle", "was off, sent on"},
		{"power status", "on"},
	}
	if len(h.list) != len(want) {
		t.Fatalf("%d records for %d actions", len(h.list), len(want))
	}
	for i, r := range h.list {
		attrs := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.String()
			if strings.Contains(a.Value.String(), simPassword) {
				t.Errorf("audit attribute %s holds the password", a.Key)
			}
			return true
		})
		if r.Level != slog.LevelInfo || r.Message != "bmc action" {
			t.Errorf("record %d: level %s message %q; want info %q", i, r.Level, r.Message, "bmc action")
		}
		if attrs["user"] != "admin" || attrs["host"] != c.Host() || attrs["protocol"] != ProtocolIPMI ||
			attrs["action"] != want[i].action || attrs["result"] != want[i].result || attrs["attempts"] != "1" {
			t.Errorf("record %d: %v; want %s: %s by admin at %s", i, attrs, want[i].action, want[i].result, c.Host())
		}
		if _, ok := attrs["error"]; ok {
			t.Errorf("record %d of a successful action has an error: %v", i, attrs)
		}
	}
}
