package provider

import (
	"context"
	"errors"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Delete wipes the server through the installer's wipe mode (LUKS keyslots
// and RAID metadata destroyed), powers it off and makes the boot server
// forget it. Any failure once the wipe intent is registered (booting the
// host into the wipe, the host going off or the wait cut mid-wipe, a failed
// wipe) fails the delete naming the stage and quarantines the host at the
// boot server, so it stays in state and out of service instead of wiping
// itself, or booting half-wiped, at some later PXE boot. A failure before
// (BMC silent, boot server refusing) leaves the host as it was. After a
// finished wipe there is nothing left to protect: a failed power off or
// forget fails the delete without a quarantine.
func (s *Server) Delete(ctx context.Context, req infer.DeleteRequest[ServerState]) (infer.DeleteResponse, error) {
	st := req.State
	ss, err := s.connect(ctx, st.ServerArgs)
	if err != nil {
		return infer.DeleteResponse{}, err
	}
	timeout, err := installTimeout(st.ServerArgs)
	if err != nil {
		return infer.DeleteResponse{}, err
	}
	prog := ss.traceWipe()
	res, err := ss.run(ctx, attempt{intent: plan.Intent{Mode: plan.ModeWipe}, reinstall: true, timeout: timeout})
	switch {
	case err != nil && !prog.registered:
		return infer.DeleteResponse{}, fmt.Errorf("wipe %s: %w", st.Hostname, err)
	case err != nil && !prog.booted:
		return infer.DeleteResponse{}, ss.quarantine(ctx, st.Hostname, fmt.Errorf("wipe %s: booting the host into the wipe: %w", st.Hostname, err))
	case err != nil:
		return infer.DeleteResponse{}, ss.quarantine(ctx, st.Hostname, fmt.Errorf("wipe %s: waiting for the wipe: %w", st.Hostname, err))
	case !res.OK:
		return infer.DeleteResponse{}, ss.quarantine(ctx, st.Hostname, fmt.Errorf("wipe %s: %w", st.Hostname, resultError(ErrWipeFailed, res)))
	}
	if power, err := ss.power(ctx); err == nil && power != "off" {
		if err := ss.bmc.SetPower(ctx, "off"); err != nil {
			return infer.DeleteResponse{}, fmt.Errorf("power off %s after wipe: %w", st.Hostname, err)
		}
	}
	if err := ss.boot.DeleteHost(ctx, st.MAC); err != nil {
		return infer.DeleteResponse{}, fmt.Errorf("forget %s at boot server: %w", st.Hostname, err)
	}
	p.GetLogger(ctx).Infof("%s: wiped and powered off", st.Hostname)
	return infer.DeleteResponse{}, nil
}

// quarantine marks the host quarantined and returns cause (joined with any
// failure to quarantine).
func (ss *session) quarantine(ctx context.Context, host string, cause error) error {
	if _, err := ss.boot.Quarantine(context.WithoutCancel(ctx), ss.mac); err != nil {
		return errors.Join(cause, fmt.Errorf("quarantine %s: %w", host, err))
	}
	return fmt.Errorf("%w; host quarantined at the boot server", cause)
}

// wipeProgress is how far a wipe got: its intent registered at the boot
// server, then the host powered (on or cycled) into it.
type wipeProgress struct {
	registered, booted bool
}

// traceWipe makes the session's boot server and BMC clients record the
// wipe's progress.
func (ss *session) traceWipe() *wipeProgress {
	prog := &wipeProgress{}
	ss.boot = progressBoot{BootServer: ss.boot, prog: prog}
	ss.bmc = progressBMC{BMC: ss.bmc, prog: prog}
	return prog
}

// progressBoot records a registered intent. A registration cut by
// cancellation may have reached the boot server: it counts as registered.
type progressBoot struct {
	BootServer
	prog *wipeProgress
}

func (b progressBoot) PutHost(ctx context.Context, mac string, in plan.Intent, reinstall bool) (plan.Status, bool, error) {
	st, began, err := b.BootServer.PutHost(ctx, mac, in, reinstall)
	if err == nil || ctx.Err() != nil {
		b.prog.registered = true
	}
	return st, began, err
}

// progressBMC records that the host was powered into the registered wipe.
// A power command that failed may still have reached the host: Delete
// quarantines it all the same, naming the boot as the failed stage.
type progressBMC struct {
	BMC
	prog *wipeProgress
}

func (b progressBMC) SetPower(ctx context.Context, state string) error {
	err := b.BMC.SetPower(ctx, state)
	if err == nil && b.prog.registered {
		b.prog.booted = true
	}
	return err
}

var (
	_ BootServer = progressBoot{}
	_ BMC        = progressBMC{}
)
