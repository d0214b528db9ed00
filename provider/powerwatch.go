package provider

import (
	"context"
	"time"
)

// powerWatch tells, while the provider waits for an installer, whether the
// host has gone off under it: the installer powers the host off only after
// reporting, so a host the BMC reports off twice in a row, checkInterval
// apart, with no result in between, lost its power (or crashed) mid-run.
// Waiting for the timeout would hold `up` for many minutes for nothing.
// A BMC that does not answer proves nothing: the wait goes on.
type powerWatch struct {
	ss       *session
	interval time.Duration
	next     time.Time
	offs     int
}

func (ss *session) watchPower() *powerWatch {
	return &powerWatch{ss: ss, interval: ss.deps.PowerCheckInterval, next: time.Now().Add(ss.deps.PowerCheckInterval)}
}

// off reads the power state when a check is due and reports whether the
// host has been seen off at two checks in a row. Call it only while the
// boot server reports no result yet.
func (w *powerWatch) off(ctx context.Context) bool {
	if time.Now().Before(w.next) {
		return false
	}
	w.next = time.Now().Add(w.interval)
	st, err := w.ss.bmc.PowerState(ctx)
	switch {
	case err != nil:
		w.ss.deps.Log.Warn("read power state while waiting for the installer", "mac", w.ss.mac, "err", err)
	case string(st) == "off":
		w.offs++
	default:
		w.offs = 0
	}
	return w.offs >= 2
}
