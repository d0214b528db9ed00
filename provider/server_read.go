package provider

import (
	"context"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Read (refresh) asks the BMC for the power state and the boot server for
// the install state, so drift (a host powered off, wiped, quarantined or
// forgotten by the boot server) shows up. It never changes anything. A BMC
// that does not answer shows as power state "unknown" with a warning.
func (s *Server) Read(ctx context.Context, req infer.ReadRequest[ServerArgs, ServerState]) (infer.ReadResponse[ServerArgs, ServerState], error) {
	out := req.State
	args := out.ServerArgs
	if args.MAC == "" {
		args = req.Inputs
		out.ServerArgs = args
	}
	ss, err := s.connect(ctx, args)
	if err != nil {
		return infer.ReadResponse[ServerArgs, ServerState]{}, err
	}
	power, err := ss.power(ctx)
	if err != nil {
		p.GetLogger(ctx).Warningf("%s: %v", args.Hostname, err)
		power = "unknown"
	}
	out.PowerState = power
	st, err := ss.boot.GetHost(ctx, args.MAC)
	switch {
	case err == nil:
		out.InstallState = observedState(st)
		if st.State == plan.StateInstalled && st.Result != nil && st.Result.OK {
			adoptResult(&out, st.Result)
		}
	case ss.deps.IsNotFound(err):
		p.GetLogger(ctx).Warningf("%s: the boot server at %s does not know %s", args.Hostname, args.BootServerURL, args.MAC)
		out.InstallState = "unknown"
	default:
		return infer.ReadResponse[ServerArgs, ServerState]{}, fmt.Errorf("refresh %s from boot server: %w", args.Hostname, err)
	}
	return infer.ReadResponse[ServerArgs, ServerState]{ID: req.ID, Inputs: req.Inputs, State: out}, nil
}

// observedState is the install state a refresh records: a host the boot
// server boots from its disks (mode local, after a plan update) counts as
// installed.
func observedState(st plan.Status) string {
	if st.Mode == plan.ModeLocal && st.State != plan.StateQuarantine {
		return plan.StateInstalled
	}
	return st.State
}
