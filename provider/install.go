package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/racksmith/racksmith/provider/bmc"
	"github.com/racksmith/racksmith/pxe/plan"
)

// session holds the clients one lifecycle call talks to.
type session struct {
	deps Deps
	mac  string
	boot BootServer
	bmc  BMC
	// bmcAddr is the BMC's address (host:port) for messages.
	bmcAddr string
	logf    func(format string, a ...any) // user-visible status line
}

// connect builds the boot server and BMC clients for the host described by
// in. It contacts nothing.
func (s *Server) connect(ctx context.Context, in ServerArgs) (*session, error) {
	d := s.deps.withDefaults()
	token, err := apiToken(ctx)
	if err != nil {
		return nil, err
	}
	boot, err := d.BootServer(in.BootServerURL, token)
	if err != nil {
		return nil, fmt.Errorf("boot server %s: %w", in.BootServerURL, err)
	}
	ep := bmc.Endpoint{Address: in.BMC.Address, Port: in.BMC.Port, Protocol: in.BMC.Protocol,
		Username: in.BMC.Username, Password: in.BMC.Password}
	b, err := d.BMC(ep, d.Log.With("host", in.Hostname, "bmc", ep.Address))
	if err != nil {
		return nil, fmt.Errorf("bmc of %s at %s: %w", in.Hostname, ep.Address, err)
	}
	logger := p.GetLogger(ctx)
	addr := ep.Address
	if ep.Port != 0 {
		addr = net.JoinHostPort(ep.Address, strconv.Itoa(ep.Port))
	}
	return &session{deps: d, mac: in.MAC, boot: boot, bmc: b, bmcAddr: addr, logf: logger.InfoStatusf}, nil
}

// newKey returns a fresh LUKS passphrase: 32 random bytes, base64url.
func newKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate luks key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// recoveryKey gives out a recovery passphrase when the plan asks for a
// recovery keyslot (generated like the LUKS key, kept only as the secret
// output recoveryKey) and drops it when the plan does not.
func recoveryKey(out *ServerState, pl plan.Plan) error {
	if !pl.Encryption.Recovery {
		out.RecoveryKey = ""
		return nil
	}
	if out.RecoveryKey != "" {
		return nil
	}
	k, err := newKey()
	if err != nil {
		return fmt.Errorf("recovery passphrase: %w", err)
	}
	out.RecoveryKey = k
	return nil
}

// power reports the BMC's power state; an error means the BMC did not answer.
func (ss *session) power(ctx context.Context) (string, error) {
	st, err := ss.bmc.PowerState(ctx)
	if err != nil {
		return "", fmt.Errorf("bmc at %s: %w: %w", ss.bmcAddr, ErrBMCUnreachable, err)
	}
	return string(st), nil
}

// powerCycle boots the host now: power cycle if it is on, on if it is off.
func (ss *session) powerCycle(ctx context.Context, state string) error {
	op := "on"
	if state == "on" {
		op = "cycle"
	}
	if err := ss.bmc.SetPower(ctx, op); err != nil {
		return fmt.Errorf("power %s through the bmc at %s: %w: %w", op, ss.bmcAddr, ErrBMCUnreachable, err)
	}
	return nil
}

// attempt is one run of the installer.
type attempt struct {
	intent    plan.Intent
	reinstall bool // start a new attempt even if the boot server holds this intent
	fresh     bool // the boot server did not know the host before
	timeout   time.Duration
}

// run checks the BMC answers and sets a one-time PXE boot (harmless on
// its own: the boot server still answers with the host's current script),
// then registers the intent at the boot server, boots the host and waits
// for the installer's result. If the power command fails after a fresh
// host's intent was registered, the intent is withdrawn so nothing is left
// half-done.
func (ss *session) run(ctx context.Context, a attempt) (*plan.Result, error) {
	in := a.intent
	state, err := ss.power(ctx)
	if err != nil {
		return nil, err
	}
	if err := ss.bmc.SetPXEOnce(ctx); err != nil {
		return nil, fmt.Errorf("set one-time pxe boot through the bmc at %s: %w: %w", ss.bmcAddr, ErrBMCUnreachable, err)
	}
	if _, _, err := ss.boot.PutHost(ctx, ss.mac, in, a.reinstall); err != nil {
		return nil, fmt.Errorf("register %s intent at boot server: %w", in.Mode, err)
	}
	if err := ss.powerCycle(ctx, state); err != nil {
		if !a.fresh {
			return nil, err
		}
		if derr := ss.boot.DeleteHost(context.WithoutCancel(ctx), ss.mac); derr != nil {
			err = errors.Join(err, fmt.Errorf("withdraw intent: %w", derr))
		}
		return nil, err
	}
	ss.logf("%s: %s registered, host PXE-booting", ss.mac, in.Mode)
	return ss.wait(ctx, in.Mode, a.timeout)
}

// wait polls the boot server until the installer reports a result for mode,
// showing its progress. A long install is fine: only timeout ends the wait.
func (ss *session) wait(ctx context.Context, mode plan.Mode, timeout time.Duration) (*plan.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(ss.deps.PollInterval)
	defer tick.Stop()
	var last plan.Status
	power := ss.watchPower()
	for {
		st, err := ss.boot.GetHost(ctx, ss.mac)
		switch {
		case err == nil:
			if st.Stage != last.Stage || st.Percent != last.Percent || st.State != last.State {
				ss.logf("%s: %s %s %s %d%%", ss.mac, mode, st.State, st.Stage, st.Percent)
			}
			last = st
			if st.Result != nil && st.Result.Mode == mode && finished(mode, st.State) {
				return st.Result, nil
			}
		case ctx.Err() == nil:
			// A boot server that restarts or hiccups is waited for, not fatal.
			ss.deps.Log.Warn("poll boot server", "mac", ss.mac, "err", err)
		}
		if ctx.Err() == nil && power.off(ctx) {
			return nil, &poweredOffError{mode: mode, stage: last.Stage}
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w: %s of %s not done after %s (last: %s %s %d%%)",
					ErrTimeout, mode, ss.mac, timeout, last.State, last.Stage, last.Percent)
			}
			return nil, fmt.Errorf("waiting for %s of %s: %w", mode, ss.mac, ctx.Err())
		case <-tick.C:
		}
	}
}

// finished tells whether state ends an attempt of mode (a failed wipe
// leaves the host quarantined).
func finished(mode plan.Mode, state string) bool {
	if mode == plan.ModeWipe {
		return state == plan.StateWiped || state == plan.StateQuarantine
	}
	return state == plan.StateInstalled || state == plan.StateFailed || state == plan.StateBooted
}

// poweredOffError is ErrPoweredOff with the last stage the installer
// reported ("" when it never reported).
type poweredOffError struct {
	mode  plan.Mode
	stage string
}

func (e *poweredOffError) Error() string {
	if e.stage == "" {
		return fmt.Sprintf("%v (the BMC reports power off) before the %s started", ErrPoweredOff, e.mode)
	}
	return fmt.Sprintf("%v (the BMC reports power off) during the %s at stage %q", ErrPoweredOff, e.mode, e.stage)
}

func (e *poweredOffError) Unwrap() error { return ErrPoweredOff }

// resultError names the stage the installer failed at.
func resultError(sentinel error, r *plan.Result) error {
	if r.Error == "" {
		return fmt.Errorf("%w at stage %q", sentinel, r.Stage)
	}
	return fmt.Errorf("%w at stage %q: %s", sentinel, r.Stage, r.Error)
}
