package ipxe

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/store"
)

func newServer(t testing.TB, discovery bool, files string) (*httptest.Server, *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h := &Handler{Store: st, Config: Config{BaseURL: "http://10.11.0.2:8080"}, Discovery: discovery,
		FilesDir: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); st.Close() })
	return srv, st
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var tokenArg = regexp.MustCompile(`racksmith\.token=([0-9a-f]{64}) `)

func TestBootScriptByState(t *testing.T) {
	srv, st := newServer(t, false, t.TempDir())
	mac := "52:54:00:12:34:56"
	if _, err := st.PutIntent(mac, plan.Intent{Mode: plan.ModeInstall, Plan: &plan.Plan{Hostname: "mx1"}}, false); err != nil {
		t.Fatal(err)
	}
	// Any spelling of the MAC names the same host.
	var tokens []string
	for _, spelling := range []string{"52-54-00-12-34-56", "525400123456", "52:54:00:12:34:56"} {
		resp, body := get(t, srv.URL+"/boot/"+spelling+".ipxe")
		m := tokenArg.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "racksmith.mode=install racksmith.mac="+mac) {
			t.Fatalf("%s: %d\n%s", spelling, resp.StatusCode, body)
		}
		tokens = append(tokens, m[1])
	}
	// Each boot carries its own one-time token; only the newest works.
	if _, _, err := st.AgentPlan(tokens[0]); err == nil {
		t.Error("token of an earlier boot still valid")
	}
	_, _, err := st.AgentPlan(tokens[2])
	if err != nil {
		t.Fatalf("token from the script refused: %v", err)
	}
	if _, _, err := st.Finish(tokens[2], plan.Result{OK: true}); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, srv.URL+"/boot/"+mac+".ipxe"); !strings.Contains(body, "sanboot --no-describe --drive 0x80") || strings.Contains(body, "racksmith.token") {
		t.Fatalf("installed host must boot locally:\n%s", body)
	}
	st.Quarantine(mac)
	if _, body := get(t, srv.URL+"/boot/"+mac+".ipxe"); !strings.Contains(body, "quarantined") || !strings.Contains(body, "poweroff") {
		t.Fatalf("quarantined:\n%s", body)
	}
	if resp, body := get(t, srv.URL+"/boot/52:54:00:00:00:99.ipxe"); resp.StatusCode != 200 || !strings.Contains(body, "discovery is disabled") {
		t.Fatalf("unknown host: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv.URL+"/boot/nonsense.ipxe"); resp.StatusCode != 400 {
		t.Fatalf("bad mac: %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/boot/"+mac); resp.StatusCode != 404 {
		t.Fatalf("no .ipxe suffix: %d", resp.StatusCode)
	}
}

func TestBootDiscovery(t *testing.T) {
	srv, st := newServer(t, true, t.TempDir())
	_, body := get(t, srv.URL+"/boot/52:54:00:00:00:99.ipxe")
	m := tokenArg.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "racksmith.mode=discover") {
		t.Fatalf("discovery script:\n%s", body)
	}
	if _, err := st.Facts(m[1], plan.Facts{Serial: "ABC"}); err != nil {
		t.Fatalf("discovery token refused: %v", err)
	}
	l, _ := st.List()
	if len(l) != 1 || l[0].State != plan.StateDiscovered {
		t.Fatalf("discovered host not listed: %+v", l)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	content := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	os.WriteFile(filepath.Join(dir, "vmlinuz"), content, 0o644)
	os.MkdirAll(filepath.Join(dir, "os"), 0o755)
	os.WriteFile(filepath.Join(dir, "os", "root.tar.gz"), content[:10], 0o644)
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("outside"), 0o644)
	os.Symlink(outside, filepath.Join(dir, "escape"))
	srv, _ := newServer(t, false, dir)

	resp, body := get(t, srv.URL+"/files/vmlinuz")
	if resp.StatusCode != 200 || body != string(content) || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("whole file: %d %q", resp.StatusCode, body)
	}
	resp, body = get(t, srv.URL+"/files/vmlinuz", "Range", "bytes=10-15")
	if resp.StatusCode != http.StatusPartialContent || body != "abcdef" || resp.Header.Get("Content-Range") != "bytes 10-15/36" {
		t.Fatalf("range: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
	}
	if resp, body = get(t, srv.URL+"/files/os/root.tar.gz"); resp.StatusCode != 200 || body != "0123456789" {
		t.Fatalf("nested: %d %q", resp.StatusCode, body)
	}
	for path, want := range map[string]int{
		"/files/os":                     404, // no directory listing
		"/files/missing":                404,
		"/files/escape":                 403, // symlink out of the directory
		"/files/..%2f..%2fetc%2fpasswd": 400,
		"/files/os/..%2f..%2fsecret":    400,
		"/files/%2fetc%2fpasswd":        400,
	} {
		if code, text := rawGet(t, srv.Listener.Addr().String(), path); code != want || strings.Contains(text, "root:") || strings.Contains(text, "outside") {
			t.Errorf("%s: %d, want %d", path, code, want)
		}
	}
	// A literal ../ never reaches the handler: the mux cleans it away.
	if code, text := rawGet(t, srv.Listener.Addr().String(), "/files/../../etc/passwd"); code == 200 || strings.Contains(text, "root:") {
		t.Errorf("literal traversal served: %d", code)
	}
}

// rawGet sends the request line exactly as given (no client-side cleaning).
func rawGet(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
