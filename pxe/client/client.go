// Package client is the typed Go client of the boot server's provisioning
// API (docs/contracts.md), used by the Pulumi provider: put, read, list,
// forget and quarantine hosts. It does no waiting of its own; the caller
// polls GetHost.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// DefaultTimeout bounds every request unless the caller's HTTP client says
// otherwise.
const DefaultTimeout = 30 * time.Second

// Client talks to one boot server.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// New returns a client of the boot server at baseURL (e.g.
// http://10.11.0.2:8080) authenticating with the API bearer token. A nil
// hc gets an http.Client with DefaultTimeout.
func New(baseURL, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("boot server url %q: want http(s)://host[:port]", baseURL)
	}
	if token == "" {
		return nil, fmt.Errorf("boot server %s: empty API token", u.Redacted())
	}
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: u, token: token, http: hc}, nil
}

// ReadToken reads an API token from a file (surrounding space trimmed).
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read api token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("read api token: %s is empty", path)
	}
	return tok, nil
}

// PutHost sets what host mac does at its next PXE boot. Putting the same
// intent again changes nothing (an installed host stays installed);
// reinstall starts a new install attempt anyway. It returns the host's
// status after the call and whether a new attempt began.
func (c *Client) PutHost(ctx context.Context, mac string, in plan.Intent, reinstall bool) (plan.Status, bool, error) {
	p, err := hostPath(mac)
	if err != nil {
		return plan.Status{}, false, err
	}
	if reinstall {
		p += "?reinstall=1"
	}
	var st plan.Status
	h, err := c.do(ctx, http.MethodPut, p, in, &st)
	return st, h.Get("X-Racksmith-Reset") == "true", err
}

// GetHost returns the boot server's status of host mac (ErrNotFound if unknown).
func (c *Client) GetHost(ctx context.Context, mac string) (plan.Status, error) {
	p, err := hostPath(mac)
	if err != nil {
		return plan.Status{}, err
	}
	var st plan.Status
	_, err = c.do(ctx, http.MethodGet, p, nil, &st)
	return st, err
}

// ListHosts returns every host the boot server knows, discovered ones included.
func (c *Client) ListHosts(ctx context.Context) ([]plan.Status, error) {
	var l []plan.Status
	_, err := c.do(ctx, http.MethodGet, "/api/v1/hosts", nil, &l)
	return l, err
}

// DeleteHost makes the boot server forget host mac (ErrNotFound if unknown).
func (c *Client) DeleteHost(ctx context.Context, mac string) error {
	p, err := hostPath(mac)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodDelete, p, nil, nil)
	return err
}

// Quarantine keeps host mac out of service until a new intent is put.
func (c *Client) Quarantine(ctx context.Context, mac string) (plan.Status, error) {
	p, err := hostPath(mac)
	if err != nil {
		return plan.Status{}, err
	}
	var st plan.Status
	_, err = c.do(ctx, http.MethodPost, p+"/quarantine", nil, &st)
	return st, err
}

func hostPath(mac string) (string, error) {
	if strings.TrimSpace(mac) == "" {
		return "", fmt.Errorf("%w: empty mac", ErrBadRequest)
	}
	// The server normalizes any spelling and refuses what is not a MAC.
	return "/api/v1/hosts/" + url.PathEscape(strings.TrimSpace(mac)), nil
}

// do sends one request; in (if not nil) is sent as JSON, a 2xx answer is
// decoded into out (if not nil), anything else becomes an *APIError.
func (c *Client) do(ctx context.Context, method, path string, in, out any) (http.Header, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	u := c.base.String() + path
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.Header, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		msg := strings.TrimSpace(string(raw))
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		if len(msg) > 512 {
			msg = msg[:512] + "…"
		}
		return resp.Header, &APIError{Method: method, Path: path, Status: resp.StatusCode, Message: msg}
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.Header, nil
}
