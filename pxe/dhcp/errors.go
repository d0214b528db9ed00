package dhcp

import "errors"

// Sentinel errors.
var (
	// ErrConfig wraps every configuration error; the message names the field.
	ErrConfig = errors.New("invalid dhcp configuration")
	// ErrMalformed wraps every reason a packet is dropped as malformed; the
	// message names the field.
	ErrMalformed = errors.New("malformed dhcp packet")
	// ErrPoolExhausted is returned when the discovery pool has no free address.
	ErrPoolExhausted = errors.New("discovery pool exhausted")
)
