package bmc

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrUnreachable: no driver could open a session with the BMC (no
	// answer, refused, or rejected the credentials).
	ErrUnreachable = errors.New("bmc unreachable")
	// ErrTimeout: the BMC did not answer within the attempt's timeout.
	ErrTimeout = errors.New("bmc did not answer in time")
	// ErrUnknownPowerState: the BMC reported a power state we cannot read.
	ErrUnknownPowerState = errors.New("unknown power state")
	// ErrUnsupportedAction: a power action other than on, off or cycle.
	ErrUnsupportedAction = errors.New("unsupported power action")
	// ErrUnsupportedProtocol: an endpoint protocol other than ipmi or redfish.
	ErrUnsupportedProtocol = errors.New("unsupported bmc protocol")
	// ErrCommandFailed: the BMC took the session but refused the command.
	ErrCommandFailed = errors.New("bmc command failed")
)
