package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/lab"
	"github.com/racksmith/racksmith/lab/labtest"
)

// techHost is what `racksmith discovered --json` prints per host.
type techHost struct {
	Site   string `json:"site"`
	MAC    string `json:"mac"`
	Serial string `json:"serial"`
	Disks  []struct {
		Path      string `json:"path"`
		Serial    string `json:"serial"`
		SizeBytes int64  `json:"size_bytes"`
	} `json:"disks"`
}

// TestTechnicianFlow is the rack technician's flow on the lab: a server the
// inventory does not know is racked and PXE-boots into discovery; `racksmith
// discovered` lists what it reported; `racksmith register --from-discovery`
// writes its inventory entry (comments kept, inventory valid); `racksmith
// lab sync` gives it a BMC, adopting the VM and its disks; the next
// `racksmith up` installs it.
func TestTechnicianFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("lab end-to-end test: runs without -short (make test)")
	}
	start := time.Now()
	l := labtest.Start(t, labtest.Options{Servers: []string{"fra1-node1"}, Prefix: "tech"})
	techDropRoles(t, l.Inventory)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	t.Logf("lab up: %.1fs", time.Since(start).Seconds())

	// 1. an unknown server is racked and network-boots into discovery
	const name = "tdisc"
	mac := lab.UnknownMAC(name)
	if out, err := l.Racksmith(ctx, "lab", "add-unknown", "--name", name, "--site", "fra1"); err != nil {
		t.Fatalf("add-unknown: %v\n%s", err, out)
	}
	racked := time.Now()

	// 2. `racksmith discovered` lists it once it has reported
	stacksDir := filepath.Dir(l.Inventory)
	var host *techHost
	for host == nil {
		if ctx.Err() != nil {
			console, _ := os.ReadFile(filepath.Join(l.RunDir, name, "console.log"))
			t.Fatalf("%s (%s) never showed in racksmith discovered; console:\n%s", name, mac, techTail(string(console), 3000))
		}
		// the boot servers may still be starting: a refused connection
		// makes discovered exit 1 after listing what the others answered
		out, _ := l.InLab(ctx, "discovered", "--stacks-dir", stacksDir, "--stack", l.Stack, "--json")
		var hosts []techHost
		if i := strings.Index(out, "["); i >= 0 {
			if err := json.NewDecoder(strings.NewReader(out[i:])).Decode(&hosts); err != nil {
				t.Fatalf("discovered --json: %v\n%s", err, out)
			}
		}
		for i := range hosts {
			if hosts[i].MAC == mac {
				host = &hosts[i]
			}
		}
		if host == nil {
			time.Sleep(2 * time.Second)
		}
	}
	t.Logf("racked to discovered: %.1fs", time.Since(racked).Seconds())
	if host.Site != "fra1" || host.Serial != "RS-"+name || len(host.Disks) != 2 {
		t.Fatalf("discovered host: %+v", *host)
	}
	for i, d := range host.Disks {
		if want := "RS-" + name + "-d" + string(rune('0'+i)); d.Serial != want || d.SizeBytes != lab.UnknownDiskSize {
			t.Errorf("disk %d: %+v, want serial %s size %d", i, d, want, lab.UnknownDiskSize)
		}
	}
	out, err := l.InLab(ctx, "discovered", "--stacks-dir", stacksDir, "--stack", l.Stack)
	if err != nil || !strings.Contains(out, mac) || !strings.Contains(out, "RS-"+name+"-d1:512MiB") {
		t.Fatalf("discovered (table): %v\n%s", err, out)
	}

	// 3. register it from its discovery report
	servers := filepath.Join(l.Inventory, "servers.hcl")
	before, err := os.ReadFile(servers)
	if err != nil {
		t.Fatal(err)
	}
	out, err = l.InLab(ctx, "register", "--stacks-dir", stacksDir, "--stack", l.Stack, "--from-discovery", mac,
		"--name", "fra1-node5", "--rack", "fra1-r1", "--u", "20", "--bmc", "10.99.0.25",
		"--psu", "fra1-pdu-a:9:120", "--psu", "fra1-pdu-b:9:120")
	if err != nil {
		t.Fatalf("register: %v\n%s", err, out)
	}
	after, _ := os.ReadFile(servers)
	for _, line := range strings.Split(string(before), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") && !strings.Contains(string(after), line) {
			t.Errorf("register lost the comment %q", line)
		}
	}
	for _, want := range []string{`server "fra1-node5"`, `mac     = "` + mac + `"`, `serial = "RS-` + name + `-d1"`, `serial  = "RS-` + name + `"`} {
		if !strings.Contains(string(after), want) {
			t.Errorf("servers.hcl lacks %q:\n%s", want, after)
		}
	}
	inv, diags := inventory.Load(l.Inventory)
	if !diags.HasErrors() {
		diags = append(diags, inventory.Validate(inv)...)
	}
	if diags.HasErrors() {
		t.Fatalf("inventory after register does not validate: %v", diags)
	}

	// 4. the lab gives it a BMC and hands it the discovered VM's disks
	out, err = l.Racksmith(ctx, "lab", "sync", "--stack", l.Inventory, "--files", filepath.Join(l.Root, "images", ".build"))
	if err != nil || !strings.Contains(out, "added fra1-node5 with a BMC, adopting the VM and disks of "+name) {
		t.Fatalf("lab sync: %v\n%s", err, out)
	}
	h := l.Host("fra1-node5")
	if h.Unknown || h.MAC != mac || h.BMC.Addr().String() != "10.99.0.25" {
		t.Fatalf("lab host after sync: %+v", *h)
	}
	for _, d := range l.Disks("fra1-node5") {
		if st, err := os.Stat(d); err != nil || st.Size() != lab.UnknownDiskSize {
			t.Fatalf("adopted disk %s: %v", d, err)
		}
	}
	if _, err := os.Stat(filepath.Join(l.RunDir, name)); err == nil {
		t.Errorf("the unknown host's run folder is still there after adoption")
	}
	if out, err := l.Racksmith(ctx, "lab", "sync", "--stack", l.Inventory, "--files", filepath.Join(l.Root, "images", ".build")); err != nil || !strings.Contains(out, "already matches") {
		t.Errorf("second lab sync: %v\n%s", err, out)
	}

	// 5. the next up installs it through its new BMC and the boot server
	upStart := time.Now()
	out = l.MustStack(ctx, "up")
	t.Logf("up with the registered server: %.1fs", time.Since(upStart).Seconds())
	if !strings.Contains(out, "fra1-node5") || !strings.Contains(out, "installed") {
		t.Errorf("up output does not show fra1-node5 installed:\n%s", out)
	}
	console, _ := os.ReadFile(filepath.Join(l.RunDir, "fra1-node5", "console.log"))
	if !strings.Contains(string(console), "racksmith.mode=install") {
		t.Errorf("fra1-node5's console shows no install boot:\n%s", techTail(string(console), 3000))
	}
	t.Logf("technician flow: %.1fs", time.Since(start).Seconds())
}

var techRolesLine = regexp.MustCompile(`(?m)^[ \t]*roles[ \t]*=.*\n`)

// techDropRoles takes the roles out of a trimmed lab stack (one server
// cannot carry roles that want two hosts per site): roles.hcl emptied and
// every server's roles attribute removed.
func techDropRoles(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "roles.hcl"), []byte("# No roles: this lab has one server per role-less site.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "servers.hcl")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, techRolesLine.ReplaceAll(b, nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

func techTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
