package modules

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules/dns"
	"github.com/racksmith/racksmith/modules/internal/testinv"
	"github.com/racksmith/racksmith/modules/lb"
	"github.com/racksmith/racksmith/modules/monitor"
	"github.com/racksmith/racksmith/modules/render"
)

func mustRender(t *testing.T, inv *inventory.Inventory) Files {
	t.Helper()
	files, diags := Render(inv)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return files
}

// Every host carrying a role gets files; a host carrying several roles gets
// all of them (lab servers are dns + web + monitor); hosts without roles
// get none; rendering twice gives identical files.
func TestRenderMergesRoles(t *testing.T) {
	lab := testinv.Load(t, "lab")
	files := mustRender(t, lab)
	for _, s := range lab.Servers {
		paths := map[string]bool{}
		for _, f := range files[s.Name] {
			paths[f.Path] = true
		}
		for _, want := range []string{"/etc/knot/knot.conf", "/etc/nginx/nginx.conf", "/etc/prometheus/prometheus.yml"} {
			if !paths[want] {
				t.Errorf("lab server %s (roles %v) lacks %s", s.Name, s.Roles, want)
			}
		}
	}
	ex := testinv.Load(t, "example")
	a, b := mustRender(t, ex), mustRender(t, testinv.Load(t, "example"))
	if d := Diff(a, b); len(d) != 0 {
		t.Fatalf("two renders of the same inventory differ: %+v", d)
	}
	for _, s := range ex.Servers {
		if got := len(a[s.Name]); (got == 0) != (len(s.Roles) == 0) {
			t.Errorf("server %s with roles %v has %d files", s.Name, s.Roles, got)
		}
	}
}

// Moving one web server changes exactly the hosts that refer to it: the
// load balancers' haproxy.cfg, the dns primary's host zone and the
// monitors' scrape targets. No other host, no other file.
func TestDiffShowsExactlyAffectedHosts(t *testing.T) {
	inv := testinv.Load(t, "example")
	before := mustRender(t, inv)
	web := testinv.Server(t, inv, "fra1-web3")
	web.Address = netip.MustParsePrefix("10.110.3.200/22")
	after := mustRender(t, inv)

	topo, _ := render.New(inv)
	want := map[string][]string{}
	for _, h := range topo.With(render.RoleLB, "") {
		want[h.Name] = []string{lb.HAProxyPath}
	}
	for _, h := range topo.With(render.RoleMonitor, "") {
		want[h.Name] = []string{monitor.ConfigPath}
	}
	want[dns.Primary(topo).Name] = []string{dns.ZonePath(topo.Domain())}
	got := map[string][]string{}
	for _, c := range Diff(before, after) {
		if len(c.Added)+len(c.Removed) > 0 {
			t.Errorf("%s: files added %v removed %v; only contents should change", c.Host, c.Added, c.Removed)
		}
		got[c.Host] = c.Changed
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changed hosts and paths:\n got  %v\n want %v", got, want)
	}
}

func TestDiff(t *testing.T) {
	f := func(p, c string, mode uint32) File { return File{Path: p, Mode: mode, Content: []byte(c)} }
	old := Files{
		"a": {f("/x", "1", 0o644), f("/y", "1", 0o644), f("/z", "1", 0o644)},
		"b": {f("/x", "1", 0o644)},
		"c": {f("/x", "1", 0o644)},
	}
	new := Files{
		"a": {f("/w", "1", 0o644), f("/x", "2", 0o644), f("/y", "1", 0o755)},
		"b": {f("/x", "1", 0o644)},
		"d": {f("/x", "1", 0o644)},
	}
	want := []HostChange{
		{Host: "a", Added: []string{"/w"}, Removed: []string{"/z"}, Changed: []string{"/x", "/y"}},
		{Host: "c", Removed: []string{"/x"}},
		{Host: "d", Added: []string{"/x"}},
	}
	if got := Diff(old, new); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff:\n got  %+v\n want %+v", got, want)
	}
	if got := Diff(new, new); got != nil {
		t.Errorf("Diff of identical renders = %+v, want none", got)
	}
}

// Broken inventories are refused before anything is rendered, with a
// diagnostic whose subject is the block to fix.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(t *testing.T, inv *inventory.Inventory) hcl.Range
		summary string
		detail  string
	}{
		{"mx below per_site", func(t *testing.T, inv *inventory.Inventory) hcl.Range {
			testinv.Server(t, inv, "ams1-mx3").Roles = nil
			return testinv.Role(t, inv, "mx").DeclRange
		}, "Too few hosts for role in site", `needs 3 host(s) in site "ams1", the inventory has 2`},
		{"lb site without VIP", func(t *testing.T, inv *inventory.Inventory) hcl.Range {
			delete(inv.Service.VIPs, "ams1")
			return testinv.Role(t, inv, "lb").DeclRange
		}, "Missing VIP for load balancer site", `site "ams1"`},
		{"db quorum lost with one PDU", func(t *testing.T, inv *inventory.Inventory) hcl.Range {
			for _, n := range []string{"fra1-db1", "fra1-db2"} {
				testinv.Server(t, inv, n).PSUs = []inventory.PSU{{PDU: "fra1-r1-pdu-a", Outlet: 20, Watts: 400}}
			}
			return testinv.Role(t, inv, "db").DeclRange
		}, "Database cluster loses quorum", "Losing PDU fra1-r1-pdu-a takes down fra1-db1, fra1-db2"},
		{"db node outside primary site", func(t *testing.T, inv *inventory.Inventory) hcl.Range {
			s := testinv.Server(t, inv, "ams1-db-replica2")
			s.Roles = []string{"db"}
			return s.DeclRange
		}, "Database node outside primary site", `primary_site "fra1"`},
		{"no service block", func(t *testing.T, inv *inventory.Inventory) hcl.Range {
			inv.Service = nil
			return firstWithRoles(inv).DeclRange
		}, "Missing service block", "no service"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := testinv.Load(t, "example")
			subject := tc.breakIt(t, inv)
			files, diags := Render(inv)
			if files != nil {
				t.Errorf("rendered %d hosts despite errors", len(files))
			}
			var found bool
			for _, d := range diags {
				if d.Summary != tc.summary {
					continue
				}
				found = true
				if d.Subject == nil || d.Subject.Filename != subject.Filename || d.Subject.Start.Line != subject.Start.Line {
					t.Errorf("%q: subject %v, want %s", d.Summary, d.Subject, subject)
				}
				if !strings.Contains(d.Detail, tc.detail) {
					t.Errorf("%q: detail %q lacks %q", d.Summary, d.Detail, tc.detail)
				}
				if !strings.Contains(d.Subject.String(), ".hcl:") {
					t.Errorf("subject %s does not name file:line", d.Subject)
				}
			}
			if !found {
				t.Errorf("no %q diagnostic; got %s", tc.summary, diags.Error())
			}
		})
	}
}

func firstWithRoles(inv *inventory.Inventory) *inventory.Server {
	for _, s := range inv.Servers {
		if len(s.Roles) > 0 {
			return s
		}
	}
	return nil
}
