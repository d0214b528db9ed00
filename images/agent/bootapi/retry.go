package bootapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// DefaultRetryFor is how long New's client keeps repeating a call while
// the boot server is away: a restart takes a few seconds.
const DefaultRetryFor = 90 * time.Second

// transportError is a request that got no answer from the boot server (or
// a gateway's 502/503/504). sent is false when the request surely never
// reached it (the connection could not be made).
type transportError struct {
	err  error
	sent bool
}

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// unsent tells whether the request never left: dialing failed.
func (e *transportError) unsent() bool {
	var op *net.OpError
	return !e.sent && errors.As(e.err, &op) && op.Op == "dial"
}

func gatewayStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// retry runs call until it succeeds, fails otherwise than by transport,
// ctx ends or RetryFor has passed, waiting 0.5 s, 1 s, 2 s… (at most 5 s)
// between tries. A call that is not repeatable is repeated only when it
// never reached the server.
func (c *Client) retry(ctx context.Context, repeatable bool, call func() ([]byte, error)) ([]byte, error) {
	deadline := time.Now().Add(c.RetryFor)
	wait := 500 * time.Millisecond
	for {
		b, err := call()
		var te *transportError
		if err == nil || !errors.As(err, &te) || (!repeatable && !te.unsent()) ||
			time.Now().Add(wait).After(deadline) {
			return b, err
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
