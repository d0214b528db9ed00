package bmc

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// retryBackoff is the pause before the first retry; it doubles each time.
const retryBackoff = 300 * time.Millisecond

// step is the body of one attempt of an action on an open session. It
// reports the result for the audit line and sets *sent once it has issued
// a command that changes the host, after which a non-repeatable action is
// not retried.
type step func(ctx context.Context, s session, sent *bool) (string, error)

// do runs one audited action: it takes the BMC's lock, then makes up to
// 1+Retries attempts, each bounded by the endpoint's Timeout. A failed
// attempt is retried only while it is safe: always for repeatable actions,
// and for others only if no changing command was sent yet.
func (c *Client) do(ctx context.Context, action string, repeatable bool, fn step) (string, error) {
	start := time.Now()
	unlock, err := lock(ctx, c.Host())
	if err != nil {
		c.audit(ctx, action, "busy", 0, start, err)
		return "", err
	}
	defer unlock()

	var (
		result   string
		attempts int
		errs     []error
	)
	for attempts < 1+c.ep.Retries {
		if attempts > 0 && !sleep(ctx, retryBackoff<<(attempts-1)) {
			errs = append(errs, ctx.Err())
			break
		}
		attempts++
		var sent bool
		result, err = c.attempt(ctx, fn, &sent)
		if err == nil {
			c.audit(ctx, action, result, attempts, start, nil)
			return result, nil
		}
		errs = append(errs, fmt.Errorf("attempt %d: %w", attempts, err))
		if (sent && !repeatable) || ctx.Err() != nil {
			break
		}
	}
	err = fmt.Errorf("bmc %s: %s: %w", c.Host(), action, errors.Join(errs...))
	c.audit(ctx, action, "failed", attempts, start, err)
	return "", err
}

// sleep waits d, or less if ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// attempt opens a session (each driver bounded by the endpoint's Timeout),
// runs fn within the Timeout and closes the session again.
func (c *Client) attempt(parent context.Context, fn step, sent *bool) (string, error) {
	s, err := c.open(parent)
	if err != nil {
		return "", err
	}
	defer func() {
		closeCtx, done := context.WithTimeout(context.WithoutCancel(parent), c.ep.Timeout)
		defer done()
		_ = s.Close(closeCtx)
	}()
	ctx, cancel := context.WithTimeout(parent, c.ep.Timeout)
	defer cancel()
	result, err := fn(ctx, s, sent)
	if err != nil {
		err = c.redact(err)
		if ctx.Err() != nil && parent.Err() == nil {
			return "", fmt.Errorf("%w (after %s): %w", ErrTimeout, c.ep.Timeout, err)
		}
		return "", err
	}
	return result, nil
}
