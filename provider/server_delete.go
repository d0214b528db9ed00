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
// forget it. A wipe that fails or does not finish fails the delete and
// quarantines the host at the boot server, so it stays in state and out of
// service.
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
	res, err := ss.run(ctx, attempt{intent: plan.Intent{Mode: plan.ModeWipe}, reinstall: true, timeout: timeout})
	switch {
	case err != nil && (errors.Is(err, ErrTimeout) || errors.Is(err, context.Canceled)):
		return infer.DeleteResponse{}, ss.quarantine(ctx, st.Hostname, fmt.Errorf("wipe %s: %w", st.Hostname, err))
	case err != nil:
		return infer.DeleteResponse{}, fmt.Errorf("wipe %s: %w", st.Hostname, err)
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
