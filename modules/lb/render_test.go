package lb

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
	checktest.Golden(t, Render(topology(t)))
}

// Each site's lbs balance over that site's web and mx hosts and keep the
// other site's as backups; the VRRP peers are exactly the other lbs.
func TestBackendsAndPeers(t *testing.T) {
	files := Render(topology(t))
	cfg := string(checktest.Find(t, files, "fra1-lb1", HAProxyPath).Content)
	for _, want := range []string{
		"bind 10.110.0.10:443\n",
		"server fra1-web1 10.110.1.22:443 check port 8081\n",
		"server ams1-web1 10.120.1.22:443 check port 8081 backup\n",
		"server fra1-mx1 10.110.1.24:25 check\n",
		"server ams1-mx1 10.120.1.24:587 check backup\n",
		"option smtpchk EHLO fra1-lb1.example.net",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("haproxy.cfg of fra1-lb1 lacks %q", want)
		}
	}
	ka := string(checktest.Find(t, files, "fra1-lb2", KeepalivedPath).Content)
	for _, want := range []string{"10.110.0.10/22 dev eno1", "priority 190", "unicast_src_ip 10.110.2.29", "        10.110.1.21\n", "virtual_router_id 52"} {
		if !strings.Contains(ka, want) {
			t.Errorf("keepalived.conf of fra1-lb2 lacks %q:\n%s", want, ka)
		}
	}
	if a := string(checktest.Find(t, files, "fra1-lb1", KeepalivedPath).Content); !strings.Contains(a, "priority 200") {
		t.Errorf("fra1-lb1 must have the higher VRRP priority:\n%s", a)
	}
	if a := string(checktest.Find(t, files, "ams1-lb1", KeepalivedPath).Content); !strings.Contains(a, "virtual_router_id 51") {
		t.Errorf("ams1's VRRP instance must have its own router id:\n%s", a)
	}
}
