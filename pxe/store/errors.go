package store

import "errors"

// Sentinel errors of the store. Callers map them to HTTP status codes.
var (
	// ErrNotFound: no host with that MAC.
	ErrNotFound = errors.New("host not found")
	// ErrBadToken: the token is unknown, revoked or of the wrong kind.
	ErrBadToken = errors.New("invalid or revoked token")
	// ErrKeyFetched: the LUKS key of this install was already handed out.
	ErrKeyFetched = errors.New("key already handed out for this install")
	// ErrNoKey: the host has no sealed key (none given, or destroyed by a wipe).
	ErrNoKey = errors.New("no key held for host")
	// ErrWrongState: the host is not in a state that allows the operation.
	ErrWrongState = errors.New("operation not allowed in the host's state")
	// ErrInvalid: the request content is not acceptable (bad MAC, mode, plan).
	ErrInvalid = errors.New("invalid request")
	// ErrLocked: another process holds the state file.
	ErrLocked = errors.New("state file is held by another process")
	// ErrSealKey: the sealing key file is missing, malformed or too open.
	ErrSealKey = errors.New("sealing key unusable")
)
