package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/store"
)

// FuzzBodies sends arbitrary bytes to every endpoint that decodes a body:
// the answer is never a 5xx and the server never panics.
func FuzzBodies(f *testing.F) {
	for _, seed := range []string{
		`{"mode":"install","key":"k","plan":{"hostname":"a","encryption":{"key_source":"bootserver"}}}`,
		`{"mode":"wipe"}`, `{"stage":"raid","percent":20}`, `{"ok":true,"stage":"done","array_uuids":{"root":"x"}}`,
		`{"mac":"52:54:00:00:00:01","disks":[{"path":"/dev/vda","size_bytes":1}]}`,
		`{"mode":`, `null`, `[]`, `{"plan":{"files":[{"content":"!!"}]}}`, "\x00\xff", `{"percent":1e999}`,
	} {
		f.Add(seed)
	}
	st, err := store.Open(filepath.Join(f.TempDir(), "state.db"), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	const mac = "52:54:00:00:00:01"
	if _, err := st.PutIntent(mac, plan.Intent{Mode: plan.ModeInstall, Plan: &plan.Plan{}}, false); err != nil {
		f.Fatal(err)
	}
	boot, err := st.BootFor(mac, false)
	if err != nil {
		f.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	(&Agent{Store: st, BaseURL: "http://x", Log: log}).Register(mux)
	(&Hosts{Store: st, Token: apiToken, Log: log}).Register(mux)
	f.Fuzz(func(t *testing.T, body string) {
		for _, ep := range []struct{ method, path, tok string }{
			{"PUT", "/api/v1/hosts/" + mac, apiToken},
			{"POST", "/api/v1/agent/events", boot.Token},
			{"POST", "/api/v1/agent/facts", boot.Token},
			{"POST", "/api/v1/agent/booted", boot.Token},
			{"POST", "/api/v1/agent/delivered", boot.Token},
		} {
			req := httptest.NewRequest(ep.method, ep.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+ep.tok)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", ep.method, ep.path, rec.Code, rec.Body)
			}
		}
	})
}
