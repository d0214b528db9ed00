// Package bootapi is the agent's client of the boot server's agent endpoints
// (docs/contracts.md): plan, key, facts, events, result, unlock and booted.
// The bearer token and the key never appear in errors or logs.
package bootapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// ErrStatus is wrapped when the server answers with a non-2xx status.
var ErrStatus = errors.New("boot server refused")

// Client talks to one boot server with one bearer token.
type Client struct {
	Base  string // e.g. http://10.11.0.2:8080
	Token string // secret
	HTTP  *http.Client
	// RetryFor is how long a call is repeated while the boot server cannot
	// be reached or answers 502/503/504 (a restart); 0 repeats nothing.
	RetryFor time.Duration
}

// New returns a client with sane timeouts.
func New(base, token string) *Client {
	return &Client{Base: strings.TrimRight(base, "/"), Token: token, HTTP: &http.Client{Timeout: 60 * time.Second},
		RetryFor: DefaultRetryFor}
}

// Plan fetches the install plan.
func (c *Client) Plan(ctx context.Context) (*plan.Plan, error) {
	b, err := c.do(ctx, http.MethodGet, "/api/v1/agent/plan", nil, 4<<20, true)
	if err != nil {
		return nil, err
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode plan: %w", err)
	}
	return &p, nil
}

// Key fetches the LUKS passphrase (the server hands it out once, so it is
// repeated only when the request never reached the server).
func (c *Client) Key(ctx context.Context) ([]byte, error) {
	return c.secret(ctx, "/api/v1/agent/key", "key")
}

// RecoveryKey fetches the recovery passphrase for the second keyslot
// (handed out once, like Key).
func (c *Client) RecoveryKey(ctx context.Context) ([]byte, error) {
	return c.secret(ctx, "/api/v1/agent/recovery-key", "recovery key")
}

// secret GETs a once-only secret: repeated only when the request never
// reached the server.
func (c *Client) secret(ctx context.Context, path, what string) ([]byte, error) {
	b, err := c.do(ctx, http.MethodGet, path, nil, 64<<10, false)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("get %s: empty key", what)
	}
	return b, nil
}

// Facts reports what the machine is.
func (c *Client) Facts(ctx context.Context, f plan.Facts) error {
	return c.post(ctx, "/api/v1/agent/facts", f)
}

// Event reports progress.
func (c *Client) Event(ctx context.Context, e plan.Event) error {
	return c.post(ctx, "/api/v1/agent/events", e)
}

// Result reports the outcome.
func (c *Client) Result(ctx context.Context, r plan.Result) error {
	return c.post(ctx, "/api/v1/agent/result", r)
}

// Unlock asks for the LUKS passphrase at a boot from disk (url from plan.Unlock).
func (c *Client) Unlock(ctx context.Context, url string) ([]byte, error) {
	b, err := c.doURL(ctx, http.MethodPost, url, nil, 64<<10, true)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("unlock: empty key")
	}
	return b, nil
}

func (c *Client) post(ctx context.Context, path string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	_, err = c.do(ctx, http.MethodPost, path, body, 64<<10, true)
	return err
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, limit int64, repeatable bool) ([]byte, error) {
	return c.doURL(ctx, method, c.Base+path, body, limit, repeatable)
}

// doURL sends one request, repeated as retry says while the boot server
// is away; repeatable says the request may be repeated even if the server
// may have seen it.
func (c *Client) doURL(ctx context.Context, method, url string, body []byte, limit int64, repeatable bool) ([]byte, error) {
	return c.retry(ctx, repeatable, func() ([]byte, error) { return c.once(ctx, method, url, body, limit) })
}

func (c *Client) once(ctx context.Context, method, url string, body []byte, limit int64) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, &transportError{err: err})
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read: %w", method, url, &transportError{err: err, sent: true})
	}
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(b))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		err := fmt.Errorf("%s %s: %w: %s: %s", method, url, ErrStatus, resp.Status, msg)
		if gatewayStatus(resp.StatusCode) {
			err = &transportError{err: err, sent: true}
		}
		return nil, err
	}
	return b, nil
}
