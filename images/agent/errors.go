package agent

import "errors"

// Sentinel errors of the agent.
var (
	// ErrNoNIC: no interface carries the MAC from racksmith.mac.
	ErrNoNIC = errors.New("provisioning nic not found")
	// ErrChecksum: a downloaded image or a plan file does not match its sha256.
	ErrChecksum = errors.New("sha256 mismatch")
	// ErrNotImplemented: the plan asks for something this agent cannot do yet.
	ErrNotImplemented = errors.New("not implemented")
	// ErrUnsafePath: a plan file path escapes the installed root.
	ErrUnsafePath = errors.New("unsafe path")
)

// StageError is a failure at one stage, with the failing command's output.
type StageError struct {
	Stage  string
	Err    error
	Output string
}

func (e *StageError) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *StageError) Unwrap() error { return e.Err }

func fail(stage string, err error) error {
	var se *StageError
	if errors.As(err, &se) {
		return err
	}
	return &StageError{Stage: stage, Err: err}
}
