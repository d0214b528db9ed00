package bootapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// A call made while the boot server is down (a restart) goes through once
// it listens again, the key included: a refused connection never reached
// the server.
func TestRetryWhileServerRestarts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // down: connections refused
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "k3y")
	})}
	t.Cleanup(func() { srv.Close() })
	go func() {
		time.Sleep(1500 * time.Millisecond)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("listen again: %v", err)
			return
		}
		srv.Serve(ln)
	}()
	c := New("http://"+addr, "tok")
	c.RetryFor = 20 * time.Second
	if k, err := c.Key(context.Background()); err != nil || string(k) != "k3y" {
		t.Fatalf("key across a restart: %q %v", k, err)
	}
	c.RetryFor = 0
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	down := ln2.Addr().String()
	ln2.Close()
	c.Base = "http://" + down
	if _, err := c.Key(context.Background()); err == nil {
		t.Fatal("key from a server that is down, with no retry: no error")
	}
}

// A 503 is repeated for a repeatable call, but the key (handed out once)
// is asked again only if the request never reached the server.
func TestRetryKeyOnlyWhenUnsent(t *testing.T) {
	var plans, keys atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/agent/plan":
			if plans.Add(1) == 1 {
				http.Error(w, "restarting", http.StatusServiceUnavailable)
				return
			}
			io.WriteString(w, `{"hostname":"mx1"}`)
		case "/api/v1/agent/key":
			keys.Add(1)
			http.Error(w, "restarting", http.StatusServiceUnavailable)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c := New("http://"+ln.Addr().String(), "tok")
	c.RetryFor = 10 * time.Second
	if p, err := c.Plan(context.Background()); err != nil || p.Hostname != "mx1" || plans.Load() != 2 {
		t.Fatalf("plan after a 503: %+v %v (%d requests)", p, err, plans.Load())
	}
	if _, err := c.Key(context.Background()); !errors.Is(err, ErrStatus) || keys.Load() != 1 {
		t.Fatalf("key answered 503: %v after %d requests; want the error after 1", err, keys.Load())
	}
}
