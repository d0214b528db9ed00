package diskplan

import "errors"

// Sentinel errors; every error of this package wraps one of them.
var (
	// ErrDiskMismatch: a planned disk does not match the machine's disks.
	ErrDiskMismatch = errors.New("planned disk does not match the machine")
	// ErrBadPlan: the plan's layout is inconsistent.
	ErrBadPlan = errors.New("invalid disk layout in plan")
)
