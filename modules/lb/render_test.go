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
	topo, diags := render.New(testinv.Two())
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
	cfg := string(checktest.Find(t, files, "lb-fra1-01", HAProxyPath).Content)
	for _, want := range []string{
		"bind 10.11.0.100:443",
		"server web-fra1-01 10.11.0.23:443 check port 8081\n",
		"server web-ams1-01 10.21.0.23:443 check port 8081 backup\n",
		"server mx-fra1-02 10.11.0.26:25 check\n",
		"server mx-ams1-02 10.21.0.26:587 check backup\n",
		"option smtpchk EHLO lb-fra1-01.example.org",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("haproxy.cfg of lb-fra1-01 lacks %q", want)
		}
	}
	ka := string(checktest.Find(t, files, "lb-fra1-02", KeepalivedPath).Content)
	for _, want := range []string{"10.11.0.100/24 dev eth0", "priority 190", "unicast_src_ip 10.11.0.22", "        10.11.0.21\n", "virtual_router_id 52"} {
		if !strings.Contains(ka, want) {
			t.Errorf("keepalived.conf of lb-fra1-02 lacks %q:\n%s", want, ka)
		}
	}
	if a, b := string(checktest.Find(t, files, "lb-fra1-01", KeepalivedPath).Content), ka; strings.Contains(a, "priority 190") || !strings.Contains(a, "priority 200") || a == b {
		t.Errorf("the two lbs of fra1 must have distinct priorities")
	}
}
