package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/racksmith/racksmith/pxe/plan"
)

var (
	_ infer.CustomResource[ServerArgs, ServerState] = (*Server)(nil)
	_ infer.CustomCheck[ServerArgs]                 = (*Server)(nil)
	_ infer.CustomUpdate[ServerArgs, ServerState]   = (*Server)(nil)
	_ infer.CustomRead[ServerArgs, ServerState]     = (*Server)(nil)
	_ infer.CustomDelete[ServerState]               = (*Server)(nil)
	_ infer.CustomDiff[ServerArgs, ServerState]     = (*Server)(nil)
	_ infer.Annotated                               = (*Server)(nil)
)

// Check decodes the inputs and validates what the type system cannot; a
// failure names the input. Unknown inputs (preview) are not validated.
func (s *Server) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[ServerArgs], error) {
	in, failures, err := infer.DefaultCheck[ServerArgs](ctx, req.NewInputs)
	if err != nil || len(failures) > 0 {
		return infer.CheckResponse[ServerArgs]{Inputs: in, Failures: failures}, err
	}
	if property.New(req.NewInputs).HasComputed() {
		return infer.CheckResponse[ServerArgs]{Inputs: in}, nil
	}
	if err := validateArgs(in); err != nil {
		field, reason, _ := strings.Cut(err.Error(), ": ")
		failures = append(failures, p.CheckFailure{Property: field, Reason: reason})
	}
	return infer.CheckResponse[ServerArgs]{Inputs: in, Failures: failures}, nil
}

// Create installs the server: intent at the boot server, one-time PXE boot
// through the BMC, power cycle, wait for the installer, then local boot. In
// preview it contacts nothing. A host the boot server already reports as
// installed with the same plan (an interrupted up) is adopted, not reinstalled.
func (s *Server) Create(ctx context.Context, req infer.CreateRequest[ServerArgs]) (infer.CreateResponse[ServerState], error) {
	in := req.Inputs
	pl, err := BuildPlan(in)
	if err != nil {
		return infer.CreateResponse[ServerState]{}, err
	}
	out := ServerState{ServerArgs: in, PlanHash: PlanHash(pl), FilesDelivered: fileSums(in.Files)}
	if req.DryRun {
		return infer.CreateResponse[ServerState]{ID: in.MAC, Output: out}, nil
	}
	ss, err := s.connect(ctx, in)
	if err != nil {
		return infer.CreateResponse[ServerState]{}, err
	}
	out, err = s.install(ctx, ss, in, pl, out)
	if err != nil && !isInitFailed(err) {
		return infer.CreateResponse[ServerState]{}, err
	}
	return infer.CreateResponse[ServerState]{ID: in.MAC, Output: out}, err
}

// Update re-runs an install that failed or was interrupted (the engine
// updates resources with init errors), and otherwise re-registers the plan
// (hostname, role files) at the boot server, as a boot-from-disk intent
// that keeps the host's key. Changed role files or hostname are delivered
// by a reboot: the host's initramfs lays them into its root before it
// starts and reports them (deliver.go); filesDelivered is what it reported.
func (s *Server) Update(ctx context.Context, req infer.UpdateRequest[ServerArgs, ServerState]) (infer.UpdateResponse[ServerState], error) {
	in, old := req.Inputs, req.State
	pl, err := BuildPlan(in)
	if err != nil {
		return infer.UpdateResponse[ServerState]{}, err
	}
	out := old
	out.ServerArgs = in
	if req.DryRun {
		out.PlanHash = PlanHash(pl)
		if needsInstall(old.InstallState) {
			out.FilesDelivered = fileSums(in.Files)
		}
		return infer.UpdateResponse[ServerState]{Output: out}, nil
	}
	ss, err := s.connect(ctx, in)
	if err != nil {
		return infer.UpdateResponse[ServerState]{}, err
	}
	if needsInstall(old.InstallState) {
		if old.InstallState == plan.StateWiped {
			out.LUKSKey = "" // the wipe destroyed that key's keyslots: a new install gets a new key
		}
		out, err = s.install(ctx, ss, in, pl, out)
		if err != nil && !isInitFailed(err) {
			return infer.UpdateResponse[ServerState]{}, err
		}
		return infer.UpdateResponse[ServerState]{Output: out}, err
	}
	if hash := PlanHash(pl); hash != old.PlanHash {
		want := fileSums(in.Files)
		if FileChanges(old.Files, in.Files) == "" && maps.Equal(old.FilesDelivered, want) && old.Hostname == in.Hostname {
			// nothing the host lays down changed (network settings, the
			// BMC, the image digest of a later install): register only
			local := pl
			local.Mode = plan.ModeLocal
			if _, _, err := ss.boot.PutHost(ctx, in.MAC, plan.Intent{Mode: plan.ModeLocal, Plan: &local}, false); err != nil {
				return infer.UpdateResponse[ServerState]{}, fmt.Errorf("update plan of %s at boot server: %w", in.Hostname, err)
			}
		} else {
			timeout, err := installTimeout(in)
			if err != nil {
				return infer.UpdateResponse[ServerState]{}, err
			}
			if len(in.RebootGroups) > 0 {
				p.GetLogger(ctx).Infof("%s: reboot groups %v: one server of each at a time", in.Hostname, in.RebootGroups)
			}
			release, err := reboots.acquire(ctx, in.RebootGroups)
			if err != nil {
				return infer.UpdateResponse[ServerState]{}, fmt.Errorf("waiting to reboot %s: %w", in.Hostname, err)
			}
			p.GetLogger(ctx).Infof("%s: role files %s: rebooting it to lay them down", in.Hostname, FileChanges(old.Files, in.Files))
			sums, err := ss.deliver(ctx, in, pl, timeout)
			release()
			if err != nil {
				// the engine keeps the old state: the next up tries again
				return infer.UpdateResponse[ServerState]{}, fmt.Errorf("deliver role files to %s: %w", in.Hostname, err)
			}
			out.FilesDelivered = sums
		}
		out.PlanHash = hash
	}
	return infer.UpdateResponse[ServerState]{Output: out}, nil
}

// needsInstall tells whether a recorded install state means the server is
// not installed: a failed, timed-out or interrupted create, or a wipe seen
// by a refresh. Quarantined and unknown hosts wait for an operator.
func needsInstall(state string) bool {
	switch state {
	case "", plan.StatePending, plan.StateInstalling, plan.StateFailed, plan.StateWiped:
		return true
	}
	return false
}

// install brings the host to "installed" with plan pl, reusing out.LUKSKey
// when a previous attempt generated one. The boot server's state decides:
// installed with this plan (an interrupted up) is adopted, an attempt of
// ours still installing is waited for, anything else PXE-boots the
// installer. An installed host's next boot is local (the boot server's
// installed state boots from disk), so no further intent is needed.
//
// Errors before the host was booted leave nothing behind and are returned
// plainly; a failed, timed-out or interrupted install returns the state with
// infer.ResourceInitFailedError, so the key is kept and the next up retries.
func (s *Server) install(ctx context.Context, ss *session, in ServerArgs, pl plan.Plan, out ServerState) (ServerState, error) {
	timeout, err := installTimeout(in)
	if err != nil {
		return out, err
	}
	log := p.GetLogger(ctx)
	st, err := ss.boot.GetHost(ctx, in.MAC)
	fresh := err != nil
	if err != nil && !ss.deps.IsNotFound(err) {
		return out, fmt.Errorf("ask boot server %s about %s: %w", in.BootServerURL, in.MAC, err)
	}
	if !fresh && sameInstall(st, pl) {
		log.Infof("%s: the boot server reports it installed with this plan: resuming, not reinstalling", in.Hostname)
		if out.LUKSKey == "" {
			out.KeyHeldByBootOnly = true
		}
		adoptResult(&out, st.Result)
		out.PowerState = ss.powerOrUnknown(ctx)
		return out, nil
	}
	// an attempt of ours still installing is waited for, unless its host
	// is off (killed mid-install): then only a new attempt can finish
	resume := !fresh && out.LUKSKey != "" && st.Mode == plan.ModeInstall && st.State == plan.StateInstalling &&
		ss.powerOrUnknown(ctx) != "off"
	if out.LUKSKey == "" {
		if out.LUKSKey, err = newKey(); err != nil {
			return out, err
		}
		out.KeyHeldByBootOnly = false
		out.RecoveryKey = "" // a new volume gets a new recovery passphrase too
	}
	if err := recoveryKey(&out, pl); err != nil {
		return out, err
	}
	var res *plan.Result
	if resume {
		log.Infof("%s: an install is under way: waiting for it", in.Hostname)
		res, err = ss.wait(ctx, plan.ModeInstall, timeout)
	} else {
		res, err = ss.run(ctx, attempt{
			intent:    plan.Intent{Mode: plan.ModeInstall, Plan: &pl, Key: out.LUKSKey, RecoveryKey: out.RecoveryKey},
			reinstall: !fresh, fresh: fresh, timeout: timeout,
		})
	}
	if err != nil {
		var off *poweredOffError
		if errors.As(err, &off) {
			out.InstallState, out.FailedStage = plan.StateFailed, off.stage
			if out.FailedStage == "" {
				out.FailedStage = plan.StageStart
			}
			return out, infer.ResourceInitFailedError{Reasons: []string{
				fmt.Sprintf("install of %s: %v (the next up retries)", in.Hostname, err)}}
		}
		if errors.Is(err, ErrTimeout) || errors.Is(err, context.Canceled) {
			out.InstallState = plan.StateInstalling
			return out, infer.ResourceInitFailedError{Reasons: []string{
				fmt.Sprintf("install of %s: %v (the next up resumes it)", in.Hostname, err)}}
		}
		return out, fmt.Errorf("install %s: %w", in.Hostname, err)
	}
	if !res.OK {
		out.InstallState, out.FailedStage = plan.StateFailed, res.Stage
		return out, infer.ResourceInitFailedError{Reasons: []string{
			fmt.Sprintf("install of %s: %v (the next up retries)", in.Hostname, resultError(ErrInstallFailed, res))}}
	}
	adoptResult(&out, res)
	out.PowerState = ss.powerOrUnknown(ctx)
	log.Infof("%s: installed in %.0fs", in.Hostname, res.Seconds)
	return out, nil
}

// sameInstall tells whether the boot server's record is a finished install
// of this plan.
func sameInstall(st plan.Status, pl plan.Plan) bool {
	r := st.Result
	if (st.State != plan.StateInstalled && st.State != plan.StateBooted) || r == nil || !r.OK || r.Mode != plan.ModeInstall {
		return false
	}
	if st.Hostname != "" && st.Hostname != pl.Hostname {
		return false
	}
	if r.Image != "" && r.Image != pl.Image.Name {
		return false
	}
	for _, f := range pl.Files {
		if sum, ok := r.FileSums[f.Path]; r.FileSums != nil && (!ok || sum != f.SHA256) {
			return false
		}
	}
	return true
}

// adoptResult copies an install result into the state.
func adoptResult(out *ServerState, r *plan.Result) {
	out.InstallState = plan.StateInstalled
	out.FailedStage = ""
	out.InstalledImage = r.Image
	if out.InstalledImage == "" {
		out.InstalledImage = out.Image.Name
	}
	out.ArrayUUIDs = r.ArrayUUIDs
	out.LUKSUUID = r.LUKSUUID
	out.FilesDelivered = fileSums(out.Files) // what this install wrote
	out.InstallSeconds = r.Seconds
	if !r.Time.IsZero() {
		out.InstalledAt = r.Time.UTC().Format(time.RFC3339)
	}
}

// powerOrUnknown reads the power state for outputs; a silent BMC gives "unknown".
func (ss *session) powerOrUnknown(ctx context.Context) string {
	st, err := ss.power(ctx)
	if err != nil {
		ss.deps.Log.Warn("read power state", "mac", ss.mac, "err", err)
		return "unknown"
	}
	return st
}

func isInitFailed(err error) bool {
	var ife infer.ResourceInitFailedError
	return errors.As(err, &ife)
}
