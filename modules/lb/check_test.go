package lb

import (
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
)

// Every rendered haproxy.cfg passes `haproxy -c` and every keepalived.conf
// passes `keepalived -t`; a broken one is refused by the same checkers.
func TestCheckers(t *testing.T) {
	haproxy := checktest.Need(t, "haproxy", "haproxy")
	keepalived := checktest.Need(t, "keepalived", "keepalived")
	files := Render(topology(t))
	for _, host := range files.Hosts() {
		dir := t.TempDir()
		cfg := checktest.Write(t, dir, checktest.Find(t, files, host, HAProxyPath), nil)
		checktest.Run(t, haproxy, "-c", "-f", cfg)
		ka := checktest.Write(t, dir, checktest.Find(t, files, host, KeepalivedPath), nil)
		out := checktest.Run(t, keepalived, "-t", "-f", ka, "-l")
		if strings.Contains(out, "WARNING") {
			t.Errorf("%s: keepalived -t warned:\n%s", host, out)
		}
	}
	dir := t.TempDir()
	bad := checktest.Find(t, files, "lb-fra1-01", HAProxyPath)
	bad.Content = []byte(strings.Replace(string(bad.Content), "balance leastconn", "balance nosuchalgo", 1))
	checktest.Fails(t, haproxy, "-c", "-f", checktest.Write(t, dir, bad, nil))
	badKA := checktest.Find(t, files, "lb-fra1-01", KeepalivedPath)
	badKA.Content = []byte(strings.Replace(string(badKA.Content), "advert_int 1", "advert_intervall 1", 1))
	checktest.Fails(t, keepalived, "-t", "-f", checktest.Write(t, dir, badKA, nil))
}
