package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/server"
)

const discTestToken = "0123456789abcdef0123456789abcdef"

// discBootServer runs a real boot server (HTTP side, discovery on) on
// loopback and returns its URL.
func discBootServer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := filepath.Join(dir, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{BaseURL: "http://10.11.0.2:8080", ListenHTTP: "127.0.0.1:0", FilesDir: files,
		StatePath: filepath.Join(dir, "state.db"), APIToken: discTestToken, Discovery: true},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
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
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("boot server did not stop")
		}
	})
	return "http://" + addr.String()
}

var discTokenArg = regexp.MustCompile(`racksmith\.token=([0-9a-f]+)`)

// discReport does what the installer's discovery mode does for an unknown
// MAC: fetch its iPXE script (discovery token on the kernel command line)
// and post its facts with that token.
func discReport(t *testing.T, url string, f plan.Facts) {
	t.Helper()
	resp, err := http.Get(url + "/boot/" + strings.ReplaceAll(f.MAC, ":", "-") + ".ipxe")
	if err != nil {
		t.Fatal(err)
	}
	script, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := discTokenArg.FindSubmatch(script)
	if resp.StatusCode != 200 || m == nil || !bytes.Contains(script, []byte("racksmith.mode=discover")) {
		t.Fatalf("discovery script for %s: %d\n%s", f.MAC, resp.StatusCode, script)
	}
	body, _ := json.Marshal(f)
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/agent/facts", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+string(m[1]))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("post facts of %s: %d", f.MAC, resp.StatusCode)
	}
}

var discFacts = plan.Facts{
	MAC: "52:54:00:aa:bb:01", Serial: "RS-disc1", Vendor: "racksmith-lab", Product: "QEMU",
	NICs: []plan.NICFact{{Name: "eth0", MAC: "52:54:00:aa:bb:01"}},
	Disks: []plan.DiskFact{{Path: "/dev/vda", Serial: "RS-disc1-d0", SizeBytes: 512 << 20},
		{Path: "/dev/vdb", Serial: "RS-disc1-d1", SizeBytes: 512 << 20}},
	Time: time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC),
}

// `racksmith discovered` lists what an unknown host reported to a real boot
// server: MAC, serial, disks with serial and size; --json carries the facts.
func TestDiscoveredListsReportedHost(t *testing.T) {
	url := discBootServer(t)
	discReport(t, url, discFacts)
	t.Setenv(envAPIToken, discTestToken)

	var out bytes.Buffer
	if err := runDiscovered(context.Background(), &out, io.Discard, "", discoveryFlags{site: "fra1", bootURL: url}, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fra1", "52:54:00:aa:bb:01", "RS-disc1", "/dev/vda:RS-disc1-d0:512MiB", "/dev/vdb:RS-disc1-d1:512MiB", "2026-12-03T20:00:00Z"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := runDiscovered(context.Background(), &out, io.Discard, "", discoveryFlags{bootURL: url}, true); err != nil {
		t.Fatal(err)
	}
	var got []discoveredHost
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 {
		t.Fatalf("json: %v\n%s", err, out.String())
	}
	if got[0].MAC != discFacts.MAC || len(got[0].Disks) != 2 || got[0].Disks[1].SizeBytes != 512<<20 {
		t.Errorf("json host: %+v", got[0])
	}

	// a wrong token is refused by the boot server, and the token never shows
	t.Setenv(envAPIToken, "wrong-token-value")
	err := runDiscovered(context.Background(), io.Discard, io.Discard, "", discoveryFlags{bootURL: url}, false)
	if !errors.Is(err, client.ErrUnauthorized) || !strings.Contains(err.Error(), url) || strings.Contains(err.Error(), "wrong-token-value") {
		t.Errorf("wrong token: %v", err)
	}
	// no token at all: say where one comes from
	t.Setenv(envAPIToken, "")
	if err := runDiscovered(context.Background(), io.Discard, io.Discard, "", discoveryFlags{bootURL: url}, false); err == nil || !strings.Contains(err.Error(), envAPIToken) {
		t.Errorf("no token: %v", err)
	}
}

// `register --from-discovery MAC` fetches the facts from the boot server
// and writes a server that validates; an unknown MAC is refused with
// nothing written.
func TestRegisterFromDiscoveryBootServer(t *testing.T) {
	url := discBootServer(t)
	discReport(t, url, discFacts)
	t.Setenv(envAPIToken, discTestToken)
	root := regCopyLab(t)
	servers := filepath.Join(root, "lab", "servers.hcl")
	before, _ := os.ReadFile(servers)

	f := regFlags{stack: "lab", stacksDir: root, fromDiscovery: "52-54-00-AA-BB-01",
		discovery: discoveryFlags{bootURL: url},
		psus:      []string{"fra1-pdu-a:5:120", "fra1-pdu-b:5:120"}}
	f.reg = inventory.Registration{Name: "fra1-node5", Site: "fra1", Rack: "fra1-r1", U: 14, BMC: "10.99.0.15"}

	bad := f
	bad.fromDiscovery = "52:54:00:aa:bb:02"
	err := runRegister(context.Background(), io.Discard, bad)
	if !errors.Is(err, errNoFacts) || !strings.Contains(err.Error(), "52:54:00:aa:bb:02") {
		t.Errorf("unknown MAC: %v", err)
	}
	if now, _ := os.ReadFile(servers); !bytes.Equal(now, before) {
		t.Fatal("a refused registration changed servers.hcl")
	}

	var out bytes.Buffer
	if err := runRegister(context.Background(), &out, f); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(servers)
	for _, want := range []string{`server "fra1-node5" {`, `serial  = "RS-disc1"`, `mac     = "52:54:00:aa:bb:01"`, `serial = "RS-disc1-d1"`,
		"# The four lab VMs."} {
		if !bytes.Contains(after, []byte(want)) {
			t.Errorf("servers.hcl lacks %q:\n%s", want, after)
		}
	}
	inv, diags := inventory.Load(filepath.Join(root, "lab"))
	if !diags.HasErrors() {
		diags = append(diags, inventory.Validate(inv)...)
	}
	if diags.HasErrors() {
		t.Fatalf("registered inventory does not validate: %v", diags)
	}
	var srv *inventory.Server
	for _, s := range inv.Servers {
		if s.Name == "fra1-node5" {
			srv = s
		}
	}
	if srv == nil || len(srv.Disks) != 2 || srv.Disks[0].SizeBytes != 512<<20 || srv.Serial != "RS-disc1" {
		t.Fatalf("registered server: %+v", srv)
	}
}

// A boot server that cannot be asked is an error naming its URL (and its
// site only when known), and nothing claims there are no hosts: stdout
// stays empty, in text and JSON.
func TestDiscoveredUnreachableBootServer(t *testing.T) {
	t.Setenv(envAPIToken, discTestToken)
	url := "http://" + freePort(t) // closed again: connection refused
	for _, asJSON := range []bool{false, true} {
		var out bytes.Buffer
		err := runDiscovered(context.Background(), &out, io.Discard, "", discoveryFlags{bootURL: url}, asJSON)
		if err == nil || !strings.Contains(err.Error(), "boot server "+url+":") || strings.Contains(err.Error(), "site") {
			t.Errorf("json %v: error %v, want one naming %s and no site", asJSON, err, url)
		}
		if out.Len() != 0 {
			t.Errorf("json %v: stdout %q, want nothing", asJSON, out.String())
		}
	}
	err := runDiscovered(context.Background(), io.Discard, io.Discard, "", discoveryFlags{site: "fra1", bootURL: url}, false)
	if err == nil || !strings.Contains(err.Error(), "boot server "+url+" (site fra1):") {
		t.Errorf("with --site: %v", err)
	}

	// with some boot servers down, "none" names the ones that answered
	var out bytes.Buffer
	if err := writeDiscovered(&out, nil, []discoveryServer{{Site: "ams1", URL: "http://10.21.0.2:8080"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "No discovered hosts at boot server http://10.21.0.2:8080 (site ams1).\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// --boot-url takes its site from the inventory site with that boot_url.
func TestDiscoveryServersSiteOfBootURL(t *testing.T) {
	inv, diags := inventory.Load("../../stacks/lab")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	site := inv.Sites[len(inv.Sites)-1]
	got, err := discoveryServers("../../stacks/lab", discoveryFlags{bootURL: site.Network.BootURL + "/"})
	if err != nil || len(got) != 1 || got[0].Site != site.Name {
		t.Errorf("servers %+v, err %v; want site %s", got, err, site.Name)
	}
	got, err = discoveryServers("../../stacks/lab", discoveryFlags{bootURL: "http://127.0.0.1:9"})
	if err != nil || len(got) != 1 || got[0].Site != "" {
		t.Errorf("unknown URL: servers %+v, err %v; want no site", got, err)
	}
}

// What `racksmith discovered --json` prints, saved to a file, is what
// `register --facts-file` takes: the site comes from the report.
func TestRegisterFromSavedDiscoveredJSON(t *testing.T) {
	url := discBootServer(t)
	discReport(t, url, discFacts)
	t.Setenv(envAPIToken, discTestToken)
	var out bytes.Buffer
	if err := runDiscovered(context.Background(), &out, io.Discard, "", discoveryFlags{site: "fra1", bootURL: url}, true); err != nil {
		t.Fatal(err)
	}
	root := regCopyLab(t)
	ff := filepath.Join(root, "discovered.json")
	if err := os.WriteFile(ff, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f := regFlags{stack: "lab", stacksDir: root, fromDiscovery: discFacts.MAC, factsFile: ff, dryRun: true,
		psus: []string{"fra1-pdu-a:5:120", "fra1-pdu-b:5:120"}}
	f.reg = inventory.Registration{Name: "fra1-node5", Rack: "fra1-r1", U: 14, BMC: "10.99.0.15"}
	var diff bytes.Buffer
	if err := runRegister(context.Background(), &diff, f); err != nil {
		t.Fatalf("register from %s:\n%s\n%v", ff, out.String(), err)
	}
	for _, want := range []string{`+server "fra1-node5" {`, `+  site`, `"fra1"`, `serial = "RS-disc1-d1"`} {
		if !strings.Contains(diff.String(), want) {
			t.Errorf("diff lacks %q:\n%s", want, diff.String())
		}
	}
}
