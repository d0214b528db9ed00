package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
)

const (
	apiToken = "test-api-token-5f2a9c"
	hostMAC  = "52:54:00:0f:00:01"
	luksKey  = "correct-horse-battery-LUKS"
)

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a boot server serving on loopback until stop.
type running struct {
	url  string
	stop func()
}

func start(t *testing.T, state, files string, logs io.Writer) *running {
	t.Helper()
	return startConfig(t, Config{BaseURL: "http://10.11.0.2:8080", FilesDir: files, StatePath: state}, logs)
}

// startConfig serves cfg on a loopback port (ListenHTTP and APIToken are
// set here).
func startConfig(t *testing.T, cfg Config, logs io.Writer) *running {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.ListenHTTP, cfg.APIToken = "127.0.0.1:0", apiToken
	s, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	r := &running{url: "http://" + addr.String()}
	stopped := false
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("server did not stop")
		}
	}
	t.Cleanup(r.stop)
	return r
}

func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var tokenArg = regexp.MustCompile(`racksmith\.token=([0-9a-f]{64}) `)

// TestAgentFlowAcrossRestart is the installer's whole conversation with the
// boot server over real HTTP, with the server restarted on the same state
// file in the middle of the install.
func TestAgentFlowAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	state, files := filepath.Join(dir, "state.db"), filepath.Join(dir, "files")
	os.MkdirAll(files, 0o755)
	logs := &logBuf{}
	srv := start(t, state, files, logs)
	ctx := context.Background()

	c, _ := client.New(srv.url, apiToken, nil)
	intent := plan.Intent{Mode: plan.ModeInstall, Key: luksKey, Plan: &plan.Plan{
		Hostname: "mx1", Encryption: plan.Encryption{KeySource: "bootserver"}, After: "poweroff"}}
	if _, reset, err := c.PutHost(ctx, hostMAC, intent, false); err != nil || !reset {
		t.Fatalf("put: %v %v", reset, err)
	}
	code, script := call(t, "GET", srv.url+"/boot/52-54-00-0F-00-01.ipxe", "", "")
	m := tokenArg.FindStringSubmatch(script)
	if code != 200 || m == nil {
		t.Fatalf("install script: %d\n%s", code, script)
	}
	tok := m[1]
	code, body := call(t, "GET", srv.url+"/api/v1/agent/plan", tok, "")
	var p plan.Plan
	if code != 200 || json.Unmarshal([]byte(body), &p) != nil || p.Hostname != "mx1" || p.Unlock.Token == "" {
		t.Fatalf("plan: %d %s", code, body)
	}
	if code, body = call(t, "GET", srv.url+"/api/v1/agent/key", tok, ""); code != 200 || body != luksKey {
		t.Fatalf("key: %d", code)
	}
	if code, _ = call(t, "POST", srv.url+"/api/v1/agent/events", tok, `{"stage":"raid","percent":20}`); code != 204 {
		t.Fatalf("event: %d", code)
	}

	// Restart on the same state file, mid-install.
	srv.stop()
	srv = start(t, state, files, logs)
	c, _ = client.New(srv.url, apiToken, nil)
	st, err := c.GetHost(ctx, hostMAC)
	if err != nil || st.State != plan.StateInstalling || st.Stage != plan.StageRAID {
		t.Fatalf("after restart: %+v %v", st, err)
	}
	if code, _ = call(t, "GET", srv.url+"/api/v1/agent/key", tok, ""); code != http.StatusConflict {
		t.Fatalf("key handed out twice across a restart: %d", code)
	}
	if code, _ = call(t, "POST", srv.url+"/api/v1/agent/events", tok, `{"stage":"luks","percent":50}`); code != 204 {
		t.Fatalf("event after restart: %d", code)
	}
	if code, body = call(t, "POST", srv.url+"/api/v1/agent/result", tok, `{"ok":true,"stage":"done","seconds":14.2}`); code != 200 {
		t.Fatalf("result: %d %s", code, body)
	}
	if st, _ = c.GetHost(ctx, hostMAC); st.State != plan.StateInstalled || len(st.Events) != 2 {
		t.Fatalf("installed: %+v", st)
	}
	if _, script = call(t, "GET", srv.url+"/boot/"+hostMAC+".ipxe", "", ""); !strings.Contains(script, "sanboot") {
		t.Fatalf("next boot must be local:\n%s", script)
	}
	// The provider resumes an interrupted `up` and puts the same intent: no reset.
	if st, reset, err := c.PutHost(ctx, hostMAC, intent, false); err != nil || reset || st.State != plan.StateInstalled {
		t.Fatalf("resume put: %+v %v %v", st, reset, err)
	}
	if code, body = call(t, "POST", srv.url+"/api/v1/agent/unlock", p.Unlock.Token, ""); code != 200 || body != luksKey {
		t.Fatalf("unlock: %d", code)
	}
	if code, _ = call(t, "POST", srv.url+"/api/v1/agent/booted", p.Unlock.Token, `{"message":"up"}`); code != 204 {
		t.Fatalf("booted: %d", code)
	}

	// Metrics and health.
	code, metrics := call(t, "GET", srv.url+"/metrics", "", "")
	for _, want := range []string{
		`racksmith_http_requests_total{code="200",endpoint="GET /boot/{file}"} 1`,
		`racksmith_http_requests_total{code="409",endpoint="GET /api/v1/agent/key"} 1`,
		`racksmith_installs_total{mode="install",outcome="installed"} 1`,
		`racksmith_http_request_duration_seconds_bucket`,
		`racksmith_hosts{mode="install",state="booted"} 1`,
	} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if code, body = call(t, "GET", srv.url+"/healthz", "", ""); code != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	srv.stop()

	out := logs.String()
	for _, secret := range []string{luksKey, tok, p.Unlock.Token, apiToken} {
		if strings.Contains(out, secret) {
			t.Errorf("secret in logs: %.8s…", secret)
		}
	}
	for _, path := range []string{"/boot/52-54-00-0F-00-01.ipxe", "/api/v1/agent/key", "/api/v1/agent/unlock"} {
		if !hasLine(out, `"msg":"http request"`, `"path":"`+path+`"`, `"mac":"`+hostMAC+`"`) {
			t.Errorf("request %s not logged with its mac:\n%s", path, out)
		}
	}
	raw, _ := os.ReadFile(state)
	if bytes.Contains(raw, []byte(luksKey)) {
		t.Error("LUKS key in plain text in the state file")
	}
}

func TestConfigRefused(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	base := Config{BaseURL: "http://10.11.0.2:8080", ListenHTTP: ":0", FilesDir: ".", StatePath: filepath.Join(t.TempDir(), "s.db"), APIToken: apiToken}
	for name, mut := range map[string]func(*Config){
		"base url": func(c *Config) { c.BaseURL = "10.11.0.2:8080" },
		"token":    func(c *Config) { c.APIToken = "short" },
		"state":    func(c *Config) { c.StatePath = "" },
	} {
		c := base
		mut(&c)
		if _, err := New(c, log); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
