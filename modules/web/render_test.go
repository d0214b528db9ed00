package web

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
	checktest.Golden(t, Render(topology(t, "example"), Options{}))
}

// Certificate paths and the application port are inputs; every web host of
// the inventory gets a config, and no other host does.
func TestOptionsAndHosts(t *testing.T) {
	topo := topology(t, "example")
	files := Render(topo, Options{CertFile: "/srv/tls/chain.pem", KeyFile: "/srv/tls/key.pem", AppPort: 9000})
	if got, want := len(files), len(topo.With(render.RoleWeb, "")); got != want || want == 0 {
		t.Fatalf("rendered %d hosts, want the %d web hosts", got, want)
	}
	for host, fs := range files {
		c := string(fs[0].Content)
		for _, want := range []string{"ssl_certificate /srv/tls/chain.pem;", "ssl_certificate_key /srv/tls/key.pem;", "server 127.0.0.1:9000 ", "if (-f /var/lib/racksmith/drain)"} {
			if !strings.Contains(c, want) {
				t.Errorf("%s: nginx.conf lacks %q", host, want)
			}
		}
	}
}
