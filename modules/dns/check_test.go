package dns

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
)

// Every knot.conf passes `knotc conf-check`, the primary's passes
// `knotc zone-check` over its zone files, and every zone passes
// `kzonecheck`; a broken zone is refused.
func TestKnotCheckers(t *testing.T) {
	knotc := checktest.Need(t, "knotc", "knot")
	kzonecheck := checktest.Need(t, "kzonecheck", "knot-dnssecutils")
	for _, stack := range []string{"example", "lab"} {
		topo := topology(t, stack)
		files := Render(topo)
		primary := Primary(topo)
		for _, host := range files.Hosts() {
			dir := t.TempDir()
			rw := strings.NewReplacer(ZoneDir, filepath.Join(dir, ZoneDir))
			conf := checktest.Write(t, dir, checktest.Find(t, files, host, ConfigPath), rw)
			checktest.Run(t, knotc, "-c", conf, "conf-check")
			if host != primary.Name {
				continue
			}
			for _, d := range topo.Domains {
				zf := checktest.Write(t, dir, checktest.Find(t, files, host, ZonePath(d)), nil)
				checktest.Run(t, kzonecheck, "-v", "-o", d, zf)
			}
			checktest.Run(t, knotc, "-c", conf, "zone-check")
		}
		if stack == "example" {
			bad := checktest.Find(t, files, primary.Name, ZonePath(topo.Domains[0]))
			bad.Content = append(append([]byte(nil), bad.Content...), "mail\tIN\tCNAME\telsewhere.example.\n"...)
			out := checktest.Fails(t, kzonecheck, "-o", topo.Domains[0], checktest.Write(t, t.TempDir(), bad, nil))
			if !strings.Contains(out, "CNAME") {
				t.Errorf("kzonecheck refused the broken zone for another reason:\n%s", out)
			}
		}
	}
}
