package dns

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

// The primary notifies and allows transfers to every other dns host; each
// secondary transfers from the primary; every zone lists each site's mx
// hosts and an SPF record naming exactly their addresses.
func TestPrimarySecondaryAndMail(t *testing.T) {
	topo := topology(t, "example")
	files := Render(topo)
	p := Primary(topo)
	if p.Site != topo.PrimarySite {
		t.Fatalf("primary %s is not in the primary site", p.Name)
	}
	pc := string(checktest.Find(t, files, p.Name, ConfigPath).Content)
	for _, h := range topo.With(render.RoleDNS, "") {
		if h == p {
			continue
		}
		if !strings.Contains(pc, "address: "+h.Addr.String()+"@53") {
			t.Errorf("primary has no remote for secondary %s", h.Name)
		}
		sc := string(checktest.Find(t, files, h.Name, ConfigPath).Content)
		if !strings.Contains(sc, "master: [ "+p.Name+" ]") || !strings.Contains(sc, "address: [ "+p.Addr.String()+" ]") {
			t.Errorf("secondary %s does not transfer from %s:\n%s", h.Name, p.Name, sc)
		}
		for _, d := range topo.Domains {
			for _, f := range files[h.Name] {
				if f.Path == ZonePath(d) {
					t.Errorf("secondary %s got a zone file; it must transfer", h.Name)
				}
			}
		}
	}
	for _, d := range topo.Domains {
		z := string(checktest.Find(t, files, p.Name, ZonePath(d)).Content)
		for _, site := range topo.Sites {
			for _, mx := range topo.With(render.RoleMX, site) {
				if !strings.Contains(z, " "+topo.FQDN(mx)+".\n") || !strings.Contains(z, "ip4:"+mx.Addr.String()+" ") {
					t.Errorf("zone %s lacks MX or SPF for %s", d, mx.Name)
				}
			}
		}
		if !strings.Contains(z, "_dmarc\tIN\tTXT\t\"v=DMARC1; p=quarantine") {
			t.Errorf("zone %s has no DMARC record", d)
		}
	}
}
