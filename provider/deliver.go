package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// deliver lays a changed plan (role files, hostname) into an installed
// host without reinstalling it: the plan is registered at the boot server
// as a boot-from-disk intent, the host is rebooted through its BMC, and
// its initramfs writes the files into its root before the host starts and
// reports them (images/agent deliver). It returns the files' sums as the
// host read them back. A host that already reported exactly these files
// (an up interrupted after the reboot) is not rebooted again.
func (ss *session) deliver(ctx context.Context, in ServerArgs, pl plan.Plan, timeout time.Duration) (map[string]string, error) {
	want := fileSums(in.Files)
	local := pl
	local.Mode = plan.ModeLocal
	st, _, err := ss.boot.PutHost(ctx, ss.mac, plan.Intent{Mode: plan.ModeLocal, Plan: &local}, false)
	if err != nil {
		return nil, fmt.Errorf("register the new plan of %s at the boot server: %w", in.Hostname, err)
	}
	if delivered(st, in.Hostname, want) {
		return st.Delivered.FileSums, nil
	}
	// a retry of this intent finds the boot of the failed attempt in the
	// events: only a boot after the reboot below counts
	since := lastBoot(st)
	state, err := ss.power(ctx)
	if err != nil {
		return nil, err
	}
	if err := ss.powerCycle(ctx, state); err != nil {
		return nil, err
	}
	ss.logf("%s: rebooting to lay down %d role files", ss.mac, len(want))
	return ss.waitDelivered(ctx, in.Hostname, want, since, timeout)
}

// delivered tells whether st reports exactly the files want (and hostname).
func delivered(st plan.Status, hostname string, want map[string]string) bool {
	d := st.Delivered
	if d == nil || (d.Hostname != "" && d.Hostname != hostname) {
		return false
	}
	return maps.Equal(d.FileSums, want)
}

// waitDelivered polls the boot server until the host reports the files.
// A host that reports booting from its disks (after since) without them
// fails at once.
func (ss *session) waitDelivered(ctx context.Context, hostname string, want map[string]string, since time.Time, timeout time.Duration) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(ss.deps.PollInterval)
	defer tick.Stop()
	for {
		st, err := ss.boot.GetHost(ctx, ss.mac)
		switch {
		case err == nil && delivered(st, hostname, want):
			ss.logf("%s: %d role files delivered", ss.mac, len(want))
			return st.Delivered.FileSums, nil
		case err == nil && lastBoot(st).After(since):
			return nil, fmt.Errorf("%w: %s (%s) came up from its disks but did not report the files of its new plan",
				ErrNotDelivered, hostname, ss.mac)
		case err != nil && ctx.Err() == nil:
			ss.deps.Log.Warn("poll boot server", "mac", ss.mac, "err", err)
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w: %s (%s) did not report its new role files within %s",
					ErrNotDelivered, hostname, ss.mac, timeout)
			}
			return nil, fmt.Errorf("waiting for %s to take its role files: %w", ss.mac, ctx.Err())
		case <-tick.C:
		}
	}
}

// lastBoot is when the host last reported booting from its disks since
// the current intent was registered (its events start there); zero when
// it did not.
func lastBoot(st plan.Status) time.Time {
	var t time.Time
	for _, e := range st.Events {
		if e.Stage == plan.StageBooted && e.Time.After(t) {
			t = e.Time
		}
	}
	return t
}
