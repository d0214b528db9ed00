package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/store"
)

const (
	apiToken = "api-token-0123456789abcdef"
	mac      = "52:54:00:aa:bb:01"
	luksKey  = "luks-key-NEVER-LOGGED-77"
)

// syncBuf collects log output from concurrent handlers.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	st   *store.Store
	srv  *httptest.Server
	logs *syncBuf
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuf{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mux := http.NewServeMux()
	(&Agent{Store: st, BaseURL: "http://10.11.0.2:8080", Log: log}).Register(mux)
	(&Hosts{Store: st, Token: apiToken, Log: log}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return &fixture{st: st, srv: srv, logs: logs}
}

func (f *fixture) do(t *testing.T, method, path, token string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func intentJSON(t *testing.T) string {
	b, err := json.Marshal(plan.Intent{Mode: plan.ModeInstall, Key: luksKey, Plan: &plan.Plan{
		Hostname: "db1", Encryption: plan.Encryption{KeySource: "bootserver"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAgentKeyOnceAndUnlock(t *testing.T) {
	f := newFixture(t)
	if code, b := f.do(t, "PUT", "/api/v1/hosts/52-54-00-AA-BB-01", apiToken, strings.NewReader(intentJSON(t))); code != 200 {
		t.Fatalf("put: %d %s", code, b)
	}
	boot, err := f.st.BootFor(mac, false)
	if err != nil || boot.Kind != store.BootInstall {
		t.Fatalf("boot: %+v %v", boot, err)
	}
	code, b := f.do(t, "GET", "/api/v1/agent/plan", boot.Token, nil)
	var p plan.Plan
	if code != 200 || json.Unmarshal(b, &p) != nil || p.MAC != mac || p.Unlock.URL != "http://10.11.0.2:8080/api/v1/agent/unlock" || p.Unlock.Token == "" {
		t.Fatalf("plan: %d %s", code, b)
	}
	if code, b := f.do(t, "GET", "/api/v1/agent/key", boot.Token, nil); code != 200 || string(b) != luksKey {
		t.Fatalf("key: %d %q", code, b)
	}
	if code, _ := f.do(t, "GET", "/api/v1/agent/key", boot.Token, nil); code != http.StatusConflict {
		t.Fatalf("second key fetch: %d, want 409", code)
	}
	if !logged(f.logs.String(), `"msg":"agent: key refused"`, `"mac":"`+mac+`"`, `"status":409`) {
		t.Errorf("second key fetch not logged with the mac:\n%s", f.logs.String())
	}
	if code, _ := f.do(t, "GET", "/api/v1/agent/key", "", nil); code != 401 {
		t.Fatalf("key without token: %d", code)
	}
	if code, _ := f.do(t, "POST", "/api/v1/agent/result", boot.Token, strings.NewReader(`{"ok":true,"stage":"done"}`)); code != 200 {
		t.Fatalf("result: %d", code)
	}
	if code, b := f.do(t, "POST", "/api/v1/agent/unlock", p.Unlock.Token, nil); code != 200 || string(b) != luksKey {
		t.Fatalf("unlock: %d %q", code, b)
	}
	if code, _ := f.do(t, "POST", "/api/v1/agent/unlock", boot.Token, nil); code != 401 {
		t.Fatalf("unlock with the install token: %d", code)
	}
	if code, b := f.do(t, "GET", "/api/v1/agent/boot-plan", p.Unlock.Token, nil); code != 200 || !strings.Contains(string(b), `"hostname"`) {
		t.Fatalf("boot plan: %d %s", code, b)
	}
	if code, _ := f.do(t, "GET", "/api/v1/agent/boot-plan", boot.Token, nil); code != 401 {
		t.Fatalf("boot plan with the install token: %d", code)
	}
	if code, b := f.do(t, "POST", "/api/v1/agent/delivered", p.Unlock.Token, strings.NewReader(`{"file_sums":{"/etc/x":"`+strings.Repeat("a", 64)+`"}}`)); code != 204 {
		t.Fatalf("delivered: %d %s", code, b)
	}
	if code, _ := f.do(t, "POST", "/api/v1/agent/delivered", p.Unlock.Token, strings.NewReader(`{"file_sums":{"x":"y"}}`)); code != 400 {
		t.Fatalf("delivered with a relative path: %d, want 400", code)
	}
	if code, _ := f.do(t, "POST", "/api/v1/agent/booted", p.Unlock.Token, nil); code != 204 {
		t.Fatalf("booted: %d", code)
	}
	for _, secret := range []string{luksKey, boot.Token, p.Unlock.Token, apiToken} {
		if strings.Contains(f.logs.String(), secret) {
			t.Errorf("a secret reached the log: %.10s…", secret)
		}
	}
}

func TestAPIAuth(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ method, path, token string }{
		{"GET", "/api/v1/hosts", ""},
		{"GET", "/api/v1/hosts", "wrong"},
		{"GET", "/api/v1/hosts", apiToken + "x"},
		{"PUT", "/api/v1/hosts/" + mac, ""},
		{"DELETE", "/api/v1/hosts/" + mac, "wrong"},
		{"POST", "/api/v1/hosts/" + mac + "/quarantine", ""},
	} {
		code, _ := f.do(t, tc.method, tc.path, tc.token, strings.NewReader(intentJSON(t)))
		if code != http.StatusUnauthorized {
			t.Errorf("%s %s with token %q: %d, want 401", tc.method, tc.path, tc.token, code)
		}
	}
	if l, _ := f.st.List(); len(l) != 0 {
		t.Fatalf("an unauthenticated PUT changed state: %+v", l)
	}
	if code, _ := f.do(t, "GET", "/api/v1/hosts", apiToken, nil); code != 200 {
		t.Fatalf("with the token: %d", code)
	}
}

func TestBadBodies(t *testing.T) {
	f := newFixture(t)
	f.st.PutIntent(mac, plan.Intent{Mode: plan.ModeInstall, Plan: &plan.Plan{}}, false)
	boot, _ := f.st.BootFor(mac, false)
	huge := `{"mac":"` + strings.Repeat("a", limitEvent) + `"}`
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            int
		msg                             string
	}{
		{"malformed intent", "PUT", "/api/v1/hosts/" + mac, apiToken, `{"mode":`, 400, "truncated"},
		{"not json", "PUT", "/api/v1/hosts/" + mac, apiToken, `mode=install`, 400, "invalid character"},
		{"unknown field", "PUT", "/api/v1/hosts/" + mac, apiToken, `{"mode":"install","plan":{"hostnme":"x"}}`, 400, "hostnme"},
		{"wrong type", "PUT", "/api/v1/hosts/" + mac, apiToken, `{"mode":"install","plan":{"disks":"sda"}}`, 400, "plan.disks"},
		{"bad mode", "PUT", "/api/v1/hosts/" + mac, apiToken, `{"mode":"reformat"}`, 400, "field mode"},
		{"trailing", "PUT", "/api/v1/hosts/" + mac, apiToken, `{"mode":"local"} {}`, 400, "after the JSON"},
		{"empty", "PUT", "/api/v1/hosts/" + mac, apiToken, ``, 400, "empty body"},
		{"bad mac", "PUT", "/api/v1/hosts/not-a-mac", apiToken, `{"mode":"local"}`, 400, "not a 48-bit MAC"},
		{"truncated event", "POST", "/api/v1/agent/events", boot.Token, `{"stage":"raid","perc`, 400, "truncated"},
		{"oversized event", "POST", "/api/v1/agent/events", boot.Token, huge, 413, "larger than"},
		{"event wrong type", "POST", "/api/v1/agent/events", boot.Token, `{"percent":"ten"}`, 400, "percent"},
		{"facts for other mac", "POST", "/api/v1/agent/facts", boot.Token, `{"mac":"52:54:00:00:00:09"}`, 400, "field mac"},
	} {
		code, b := f.do(t, tc.method, tc.path, tc.token, strings.NewReader(tc.body))
		if code != tc.want || !strings.Contains(string(b), tc.msg) {
			t.Errorf("%s: %d %s, want %d containing %q", tc.name, code, b, tc.want, tc.msg)
		}
	}
	st, _ := f.st.Status(mac)
	if st.Mode != plan.ModeInstall || len(st.Events) != 0 || st.Facts != nil {
		t.Fatalf("refused requests changed the host: %+v", st)
	}
	if !strings.Contains(f.logs.String(), `"status":413`) {
		t.Errorf("oversized body not logged")
	}
}

// logged reports whether one log line holds every part.
func logged(logs string, parts ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
