package api

import "errors"

// Errors of the HTTP layer; the store's sentinel errors cover the rest.
var (
	// errTooLarge: the body exceeds the endpoint's limit (413).
	errTooLarge = errors.New("request too large")
	// errNoBearer: no usable Authorization header (401).
	errNoBearer = errors.New("missing or malformed Authorization: Bearer header")
)
