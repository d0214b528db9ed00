package bmc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIPMIPowerAgainstIPMISim(t *testing.T) {
	sim := startSim(t)
	ctx := context.Background()
	c := New(sim.ep, slog.New(slog.DiscardHandler))

	st, err := c.PowerState(ctx)
	if err != nil || st != PowerOff {
		t.Fatalf("fresh BMC: PowerState = %q, %v; want off", st, err)
	}
	// cycle of an off host only powers it on
	if err := c.SetPower(ctx, "cycle"); err != nil {
		t.Fatal(err)
	}
	sim.waitSetCalls(t, []string{"set power 1"})
	// on of an on host does nothing
	if err := c.SetPower(ctx, "on"); err != nil {
		t.Fatal(err)
	}
	if st, err := c.PowerState(ctx); err != nil || st != PowerOn {
		t.Fatalf("after on: PowerState = %q, %v", st, err)
	}
	sim.waitSetCalls(t, []string{"set power 1"})
	// cycle of an on host: off, then on again (ipmi_sim waits ~1 s between)
	if err := c.SetPower(ctx, "cycle"); err != nil {
		t.Fatal(err)
	}
	sim.waitSetCalls(t, []string{"set power 1", "set power 0", "set power 1"})
	if err := c.SetPower(ctx, "off"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPower(ctx, "off"); err != nil {
		t.Fatal(err)
	}
	sim.waitSetCalls(t, []string{"set power 1", "set power 0", "set power 1", "set power 0"})
	if st, err := c.PowerState(ctx); err != nil || st != PowerOff {
		t.Fatalf("after off: PowerState = %q, %v", st, err)
	}
}

func TestIPMISetPXEOnceReachesChassisProgram(t *testing.T) {
	sim := startSim(t)
	c := New(sim.ep, slog.New(slog.DiscardHandler))
	if err := c.SetPXEOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	sim.waitSetCalls(t, []string{"set boot pxe"})
}

func TestIPMIUnknownActionRejectedWithoutContact(t *testing.T) {
	c := New(Endpoint{Address: "127.0.0.1", Port: 1, Protocol: ProtocolIPMI, Username: "u", Password: "p"}, nil)
	err := c.SetPower(context.Background(), "reboot-now")
	if !errors.Is(err, ErrUnsupportedAction) || !strings.Contains(err.Error(), `"reboot-now"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestIPMIAuditAndSecrets checks the audit line of every action and that the
// password is handed to ipmitool through the environment: never in argv,
// logs or errors. ipmitool is wrapped by a script that records its argv.
func TestIPMIAuditAndSecrets(t *testing.T) {
	sim := startSim(t)
	dir := t.TempDir()
	argv := filepath.Join(dir, "argv")
	wrapper := filepath.Join(dir, "ipmitool")
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %s\n[ -n \"$IPMITOOL_PASSWORD\" ] && echo env-password >> %s\nexec ipmitool \"$@\"\n", argv, argv)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	ep := sim.ep
	ep.IpmitoolPath = wrapper
	c := New(ep, slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx := context.Background()
	if err := c.SetPower(ctx, "on"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPower(ctx, "on"); err != nil {
		t.Fatal(err)
	}
	bad := ep
	bad.Password = "wrong-" + simPassword
	bad.Retries = -1
	var badLogs bytes.Buffer
	_, err := New(bad, slog.New(slog.NewJSONHandler(&badLogs, nil))).PowerState(ctx)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("wrong password: err = %v, want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), bad.Password) {
		t.Fatalf("error shows the password: %v", err)
	}

	args, _ := os.ReadFile(argv)
	for _, secret := range []string{simPassword, bad.Password} {
		for name, text := range map[string]string{"argv": string(args), "log": logs.String() + badLogs.String()} {
			if strings.Contains(text, secret) {
				t.Fatalf("password appears in %s:\n%s", name, text)
			}
		}
	}
	if !strings.Contains(string(args), "-C 3") || !strings.Contains(string(args), "env-password") {
		t.Fatalf("ipmitool not run with -C 3 and the password in its environment:\n%s", args)
	}

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "bmc action" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("want one audit line per action (2), got %d:\n%s", len(lines), logs.String())
	}
	wantResults := []string{"was off, sent on", "already on"}
	for i, m := range lines {
		if m["user"] != "admin" || m["action"] != "power on" || m["host"] != c.Host() || m["result"] != wantResults[i] {
			t.Errorf("audit line %d = %v", i, m)
		}
		if _, ok := m["duration"]; !ok {
			t.Errorf("audit line %d has no duration: %v", i, m)
		}
	}
	if !strings.Contains(badLogs.String(), `"result":"failed"`) {
		t.Errorf("failed action not audited as failed:\n%s", badLogs.String())
	}
}

// TestIPMINoAnswerFailsWithinTimeout: a BMC address where nothing answers
// gives a clear error naming the BMC, within the bounded time.
func TestIPMINoAnswerFailsWithinTimeout(t *testing.T) {
	needTools(t, "ipmitool")
	port := freeUDPPort(t)
	ep := Endpoint{
		Address: "127.0.0.1", Port: port, Protocol: ProtocolIPMI,
		Username: "admin", Password: simPassword,
		Timeout: 1500 * time.Millisecond, Retries: 1,
	}
	c := New(ep, slog.New(slog.DiscardHandler))
	start := time.Now()
	_, err := c.PowerState(context.Background())
	took := time.Since(start)
	if err == nil {
		t.Fatal("PowerState of a BMC that does not exist succeeded")
	}
	limit := 2*ep.Timeout + retryBackoff + 2*time.Second
	if took > limit {
		t.Fatalf("took %s, want under %s", took, limit)
	}
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), c.Host()) {
		t.Fatalf("err = %v; want ErrUnreachable naming %s", err, c.Host())
	}
	if !strings.Contains(err.Error(), "attempt 2") {
		t.Fatalf("err = %v; want both attempts reported", err)
	}
	t.Logf("no answer: %s after %s", err, took.Round(time.Millisecond))
}

// TestNoProtocolTriesEveryDriver: an endpoint without a protocol tries
// ipmitool, then Redfish, and reports why each failed.
func TestNoProtocolTriesEveryDriver(t *testing.T) {
	needTools(t, "ipmitool")
	port := freeUDPPort(t)
	c := New(Endpoint{Address: "127.0.0.1", Port: port, Username: "admin", Password: simPassword,
		Timeout: time.Second, Retries: -1}, slog.New(slog.DiscardHandler))
	_, err := c.PowerState(context.Background())
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"ipmitool: no answer within 1s", "gofish: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// TestLockSerializesOperationsPerBMC: while one operation holds a BMC,
// another on the same address waits (here until its context ends) instead
// of talking to it at the same time; other BMCs are not held up.
func TestLockSerializesOperationsPerBMC(t *testing.T) {
	c := New(Endpoint{Address: "192.0.2.7", Port: 623, Protocol: ProtocolIPMI}, slog.New(slog.DiscardHandler))
	unlock, err := lock(context.Background(), c.Host())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.PowerState(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "another operation") {
		t.Fatalf("err = %v; want waiting for the lock", err)
	}
	other, err := lock(context.Background(), "192.0.2.8:623")
	if err != nil {
		t.Fatalf("other BMC blocked: %v", err)
	}
	other()
	unlock()
	again, err := lock(context.Background(), c.Host())
	if err != nil {
		t.Fatalf("lock not released: %v", err)
	}
	again()
}
