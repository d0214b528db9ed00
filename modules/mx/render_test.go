package mx

import (
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/internal/testinv"
	"github.com/racksmith/racksmith/modules/render"
)

func topology(t *testing.T) *render.Topology {
	t.Helper()
	topo, diags := render.New(testinv.Load(t, "example"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return topo
}

func TestGolden(t *testing.T) {
	checktest.Golden(t, Render(topology(t), Options{}))
}

// Every mx host accepts the inventory's domains and delivers to the db
// hosts of the primary site, where the store runs.
func TestDomainsAndStore(t *testing.T) {
	topo := topology(t)
	files := Render(topo, Options{})
	if got, want := len(files), len(topo.With(render.RoleMX, "")); got != want || want < 4 {
		t.Fatalf("rendered %d mx hosts, want %d (at least two per site)", got, want)
	}
	var store []string
	for _, h := range topo.With(render.RoleDB, "fra1") {
		store = append(store, "inet:["+h.Addr.String()+"]:24")
	}
	for host := range files {
		c := string(checktest.Find(t, files, host, MainCFPath).Content)
		for _, want := range []string{
			"virtual_mailbox_domains = " + strings.Join(topo.Domains, ", ") + "\n",
			"virtual_transport = lmtp:" + strings.Join(store, ", ") + "\n",
			"maximal_queue_lifetime = 14d\n",
		} {
			if !strings.Contains(c, want) {
				t.Errorf("%s: main.cf lacks %q", host, want)
			}
		}
	}
}
