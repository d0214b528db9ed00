package bootapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

func TestClient(t *testing.T) {
	var events []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v1/agent/plan":
			io.WriteString(w, `{"hostname":"mx1","mac":"52:54:00:aa:00:01"}`)
		case "GET /api/v1/agent/key":
			io.WriteString(w, "k3y")
		case "POST /api/v1/agent/events":
			b, _ := io.ReadAll(r.Body)
			events = append(events, string(b))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c := New(srv.URL+"/", "tok")
	p, err := c.Plan(ctx)
	if err != nil || p.Hostname != "mx1" {
		t.Fatalf("plan %+v %v", p, err)
	}
	k, err := c.Key(ctx)
	if err != nil || string(k) != "k3y" {
		t.Fatalf("key %q %v", k, err)
	}
	if err := c.Event(ctx, plan.Event{Stage: plan.StageRAID, Percent: 30}); err != nil || len(events) != 1 || !strings.Contains(events[0], `"stage":"raid"`) {
		t.Fatalf("event %v %v", events, err)
	}
	err = c.Result(ctx, plan.Result{})
	if !errors.Is(err, ErrStatus) || !strings.Contains(err.Error(), "404") {
		t.Fatalf("result to a missing endpoint: %v", err)
	}
	bad := New(srv.URL, "wrong")
	if _, err := bad.Plan(ctx); !errors.Is(err, ErrStatus) || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("bad token: %v", err)
	}
}
