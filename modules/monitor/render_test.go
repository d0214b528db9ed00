package monitor

import (
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/internal/testinv"
	"github.com/racksmith/racksmith/modules/render"
)

func topology(t *testing.T, stack string) *render.Topology {
	t.Helper()
	topo, diags := render.New(testinv.Load(t, stack))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return topo
}

func TestGolden(t *testing.T) {
	checktest.Golden(t, Render(topology(t, "example")))
}

// Every monitor scrapes every server's node exporter and every monitor of
// the other site.
func TestScrapesEveryHostAndTheOtherSite(t *testing.T) {
	topo := topology(t, "example")
	files := Render(topo)
	for _, m := range topo.With(render.RoleMonitor, "") {
		c := string(checktest.Find(t, files, m.Name, ConfigPath).Content)
		for _, h := range topo.Hosts {
			if !strings.Contains(c, "- "+h.Addr.String()+":9100\n") {
				t.Errorf("%s does not scrape %s's node exporter", m.Name, h.Name)
			}
		}
		for _, o := range topo.With(render.RoleMonitor, "") {
			if o.Site != m.Site && !strings.Contains(c, "- "+o.Addr.String()+":9090\n") {
				t.Errorf("%s does not watch %s in the other site", m.Name, o.Name)
			}
		}
	}
}
