package client

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors, matched with errors.Is on what the client returns.
var (
	ErrNotFound     = errors.New("host not known to the boot server")
	ErrUnauthorized = errors.New("boot server refused the API token")
	ErrBadRequest   = errors.New("boot server refused the request")
	ErrConflict     = errors.New("boot server: conflict with the host's state")
	ErrServer       = errors.New("boot server error")
)

// APIError is a non-2xx answer: the HTTP status and the server's message.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Message)
}

// Unwrap maps the status to a sentinel error.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusNotFound:
		return ErrNotFound
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden:
		return ErrUnauthorized
	case e.Status == http.StatusConflict:
		return ErrConflict
	case e.Status >= 500:
		return ErrServer
	}
	return ErrBadRequest
}
