package ra

import "errors"

// Sentinel errors.
var (
	// ErrConfig wraps configuration errors; the message names the field.
	ErrConfig = errors.New("invalid router advertisement configuration")
	// ErrNoLinkLocal: the interface has no usable IPv6 link-local address.
	ErrNoLinkLocal = errors.New("interface has no IPv6 link-local address")
)
