package tftp

import "errors"

// Sentinel errors. Their text is what a refused client sees in the TFTP
// ERROR packet, so it never carries server paths.
var (
	// ErrUnsafePath refuses names that could leave the root.
	ErrUnsafePath = errors.New("access violation")
	// ErrNotFound is a name the root does not hold (or a directory).
	ErrNotFound = errors.New("file not found")
	// ErrReadOnly refuses write requests.
	ErrReadOnly = errors.New("read-only server: write requests are refused")
)
