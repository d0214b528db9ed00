package lb

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/render"
)

// The rendered keepalived configurations of a site's two load balancers,
// run for real in two namespaces joined by a link: the first holds the
// site's VIP; when it freezes (its VRRP process stopped) the VIP moves to
// the second; when it resumes it takes the VIP back (higher priority).
func TestVIPFailover(t *testing.T) {
	keepalived := checktest.Need(t, "keepalived", "keepalived")
	haproxy := checktest.Need(t, "haproxy", "haproxy")
	topo := topology(t)
	files := Render(topo)
	lbs := topo.With(render.RoleLB, "fra1")
	if len(lbs) != 2 {
		t.Fatalf("fra1 has %d lbs, the test wants 2", len(lbs))
	}
	vip := topo.VIPs["fra1"].Addr().String()
	iface := lbs[0].Iface
	a, b := checktest.Netns(t), checktest.Netns(t)
	checktest.Link(t, a, b, iface)
	ns := []*checktest.NS{a, b}
	root := t.TempDir()
	for i, h := range lbs {
		ns[i].AddAddrDev(t, iface, h.Prefix.String())
		dir := filepath.Join(root, h.Name)
		// keepalived's track script looks for a haproxy process: run the
		// host's own haproxy (no daemon mode, private stats socket).
		rw := strings.NewReplacer("/run/haproxy/admin.sock", filepath.Join(dir, "admin.sock"), "    daemon\n", "", "maxconn 20000", "maxconn 4000")
		start(t, ns[i].Cmd(haproxy, "-db", "-f", checktest.Write(t, dir, checktest.Find(t, files, h.Name, HAProxyPath), rw)), "")
		conf := checktest.Write(t, dir, checktest.Find(t, files, h.Name, KeepalivedPath), nil)
		start(t, ns[i].Cmd(keepalived, "-n", "-l", "-P", "-f", conf,
			"-p", filepath.Join(dir, "keepalived.pid"), "-r", filepath.Join(dir, "vrrp.pid")), "")
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (VIP on %s: %v, on %s: %v)", what, lbs[0].Name, a.HasAddr(iface, vip), lbs[1].Name, b.HasAddr(iface, vip))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	wait("the VIP on "+lbs[0].Name, func() bool { return a.HasAddr(iface, vip) && !b.HasAddr(iface, vip) })
	pidFile := filepath.Join(root, lbs[0].Name, "vrrp.pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatalf("%s: %v", pidFile, err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	wait("the VIP to move to "+lbs[1].Name, func() bool { return b.HasAddr(iface, vip) })
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	wait("the VIP back on "+lbs[0].Name, func() bool { return a.HasAddr(iface, vip) && !b.HasAddr(iface, vip) })
}
