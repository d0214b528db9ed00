package testbed

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/racksmith/racksmith/pxe/api"
	"github.com/racksmith/racksmith/pxe/ipxe"
	"github.com/racksmith/racksmith/pxe/store"
)

// BootServer is the boot server's HTTP side (provisioning API, agent API,
// iPXE scripts) over a real bbolt store, on a loopback port.
type BootServer struct {
	URL   string
	Token string
	Store *store.Store
	Path  string // the bbolt state file
}

// StartBootServer starts it with the API token; it stops at the end of the test.
func StartBootServer(t testing.TB, token string) *BootServer {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open boot server store: %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	(&api.Hosts{Store: st, Token: token, Log: log}).Register(mux)
	(&api.Agent{Store: st, BaseURL: srv.URL, Log: log}).Register(mux)
	(&ipxe.Handler{Store: st, Config: ipxe.Config{BaseURL: srv.URL}, FilesDir: dir, Log: log}).Register(mux)
	t.Cleanup(func() {
		srv.Close()
		_ = st.Close()
	})
	return &BootServer{URL: srv.URL, Token: token, Store: st, Path: path}
}
