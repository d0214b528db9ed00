package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/api"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/store"
)

const token = "0f0e0d0c0b0a09080706050403020100"

// server starts the real provisioning API on loopback over a real store.
func server(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&api.Hosts{Store: st, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return srv, st
}

func TestClientRoundTrip(t *testing.T) {
	srv, st := server(t)
	ctx := context.Background()
	c, err := client.New(srv.URL+"/", token, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := plan.Intent{Mode: plan.ModeInstall, Key: "k", Plan: &plan.Plan{Hostname: "web1"}}
	s, reset, err := c.PutHost(ctx, "52:54:00:AB:00:01", in, false)
	if err != nil || !reset || s.MAC != "52:54:00:ab:00:01" || s.State != plan.StatePending || s.Hostname != "web1" {
		t.Fatalf("put: %+v %v %v", s, reset, err)
	}
	// The installer finishes; the provider resumes and puts the same intent.
	b, _ := st.BootFor(s.MAC, false)
	st.Finish(b.Token, plan.Result{OK: true})
	s, reset, err = c.PutHost(ctx, s.MAC, in, false)
	if err != nil || reset || s.State != plan.StateInstalled {
		t.Fatalf("same put after install: %+v %v %v", s, reset, err)
	}
	if s, reset, _ = c.PutHost(ctx, s.MAC, in, true); !reset || s.State != plan.StatePending {
		t.Fatalf("reinstall: %+v", s)
	}
	if g, err := c.GetHost(ctx, "525400ab0001"); err != nil || g.PlanHash != s.PlanHash {
		t.Fatalf("get: %+v %v", g, err)
	}
	if l, err := c.ListHosts(ctx); err != nil || len(l) != 1 {
		t.Fatalf("list: %+v %v", l, err)
	}
	if q, err := c.Quarantine(ctx, s.MAC); err != nil || q.State != plan.StateQuarantine {
		t.Fatalf("quarantine: %+v %v", q, err)
	}
	if err := c.DeleteHost(ctx, s.MAC); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetHost(ctx, s.MAC); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := c.DeleteHost(ctx, s.MAC); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("delete unknown: %v", err)
	}
	var apiErr *client.APIError
	if _, _, err := c.PutHost(ctx, "nonsense", in, false); !errors.Is(err, client.ErrBadRequest) || !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("bad mac: %v", err)
	}
}

func TestClientErrors(t *testing.T) {
	srv, _ := server(t)
	bad, _ := client.New(srv.URL, "not-the-token", nil)
	if _, err := bad.ListHosts(context.Background()); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := client.New("10.0.0.1:8080", token, nil); err == nil {
		t.Fatal("url without scheme accepted")
	}
	if _, err := client.New(srv.URL, "", nil); err == nil {
		t.Fatal("empty token accepted")
	}
	// A server that never answers: the client's timeout ends the call.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	c, _ := client.New(hang.URL, token, &http.Client{Timeout: 200 * time.Millisecond})
	start := time.Now()
	if _, err := c.GetHost(context.Background(), "52:54:00:00:00:01"); err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("hanging server: %v after %v", err, time.Since(start))
	}
	f := filepath.Join(t.TempDir(), "tok")
	os.WriteFile(f, []byte("  "+token+"\n"), 0o600)
	if tok, err := client.ReadToken(f); err != nil || tok != token {
		t.Fatalf("read token: %q %v", tok, err)
	}
}
