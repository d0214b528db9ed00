package inventory

import "errors"

// Sentinel errors of the inventory package. Diagnostics carry the details;
// these let callers branch on the kind of failure.
var (
	// ErrInvalid means an inventory did not load or validate.
	ErrInvalid = errors.New("inventory is invalid")
	// ErrBadMAC means a MAC address is not in any accepted spelling.
	ErrBadMAC = errors.New("invalid MAC address")
	// ErrBadSize means a disk size is not a number with a known unit.
	ErrBadSize = errors.New("invalid size")
	// ErrConflict means a registration would take something another server holds.
	ErrConflict = errors.New("conflicts with another server")
	// ErrNoStack means the stack folder does not exist or holds no .hcl file.
	ErrNoStack = errors.New("no such stack")
)
