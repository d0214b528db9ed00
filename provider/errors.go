package provider

import "errors"

// Sentinel errors of the provider; callers test them with errors.Is.
var (
	// ErrBMCUnreachable means the BMC did not answer (or refused the credentials).
	ErrBMCUnreachable = errors.New("bmc unreachable")
	// ErrInstallFailed means the installer reported a failed install.
	ErrInstallFailed = errors.New("install failed")
	// ErrWipeFailed means the installer reported a failed wipe; the host is quarantined.
	ErrWipeFailed = errors.New("wipe failed")
	// ErrPoweredOff means the host went off (the BMC says so) while the
	// installer ran, before it reported: a pulled cord, a crash, a hard reset.
	ErrPoweredOff = errors.New("host powered off before the installer reported")
	// ErrTimeout means the installer did not report within the timeout.
	ErrTimeout = errors.New("timed out waiting for the installer")
	// ErrNotDelivered means an installed host rebooted to take new role
	// files and came up without reporting them (its console says why).
	ErrNotDelivered = errors.New("host booted without taking its new role files")
	// ErrNoToken means no boot server API token is configured.
	ErrNoToken = errors.New("no boot server api token: set racksmith:apiToken (secret) or RACKSMITH_API_TOKEN")
)
