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
	topo := topology(t)
	files := Render(topo)
	ifaces := map[string]bool{}
	for _, h := range topo.With("lb", "") {
		ifaces[h.Iface] = true
	}
	var names []string
	for n := range ifaces {
		names = append(names, n)
	}
	ns := checktest.Netns(t, names...)
	for _, host := range files.Hosts() {
		dir := t.TempDir()
		cfg := checktest.Write(t, dir, checktest.Find(t, files, host, HAProxyPath), nil)
		checktest.Run(t, haproxy, "-c", "-f", cfg)
		ka := checktest.Write(t, dir, checktest.Find(t, files, host, KeepalivedPath), nil)
		out := ns.Run(t, keepalived, "-t", "-f", ka, "-l")
		if strings.Contains(out, "WARNING") {
			t.Errorf("%s: keepalived -t warned:\n%s", host, out)
		}
	}
	dir := t.TempDir()
	bad := checktest.Find(t, files, "fra1-lb1", HAProxyPath)
	bad.Content = []byte(strings.Replace(string(bad.Content), "balance leastconn", "balance nosuchalgo", 1))
	checktest.Fails(t, haproxy, "-c", "-f", checktest.Write(t, dir, bad, nil))
	badKA := checktest.Find(t, files, "fra1-lb1", KeepalivedPath)
	badKA.Content = []byte(strings.Replace(string(badKA.Content), "advert_int 1", "advert_intervall 1", 1))
	if out, err := ns.Cmd(keepalived, "-t", "-f", checktest.Write(t, dir, badKA, nil)).CombinedOutput(); err == nil {
		t.Errorf("keepalived -t accepted a broken file:\n%s", out)
	}
}
