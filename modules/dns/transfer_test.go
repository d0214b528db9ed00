package dns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/modules/internal/checktest"
)

// The rendered Knot configurations, run for real in a network namespace
// holding the primary's and a secondary's addresses: the secondary
// transfers every zone from the primary, and a changed zone file, once
// the primary reloads it, reaches the secondary through NOTIFY with a
// higher serial (the primary keeps the serial, the files carry 1).
func TestPrimaryToSecondaryTransfer(t *testing.T) {
	knotd := checktest.Need(t, "knotd", "knot")
	knotc := checktest.Need(t, "knotc", "knot")
	kdig := checktest.Need(t, "kdig", "knot-dnsutils")
	topo := topology(t, "example")
	files := Render(topo)
	primary := Primary(topo)
	var secondary = topo.With("dns", "ams1")[0]

	ns := checktest.Netns(t)
	ns.AddAddr(t, primary.Addr.String()+"/32", secondary.Addr.String()+"/32")
	root := t.TempDir()
	conf := map[string]string{}
	for _, h := range []string{primary.Name, secondary.Name} {
		dir := filepath.Join(root, h)
		rw := strings.NewReplacer(
			"/var/lib/knot", dir+"/lib",
			"/run/knot", dir+"/run",
			", 127.0.0.1@53", "", // both servers share this namespace's loopback
			"    user: knot:knot\n", "",
			"target: syslog", "target: stderr",
		)
		for _, f := range files[h] {
			p := checktest.Write(t, dir, f, rw)
			if f.Path == ConfigPath {
				conf[h] = p
			}
		}
		for _, d := range []string{"lib/zones", "run"} {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		// Zone files are written under dir/var/lib/knot/zones; the rewritten
		// config reads dir/lib/zones.
		for _, f := range files[h] {
			if strings.HasPrefix(f.Path, ZoneDir) {
				if err := os.Rename(filepath.Join(dir, f.Path), filepath.Join(dir, "lib/zones", filepath.Base(f.Path))); err != nil {
					t.Fatal(err)
				}
			}
		}
		cmd := ns.Cmd(knotd, "-c", conf[h])
		log, err := os.Create(filepath.Join(dir, "knotd.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
			if t.Failed() {
				b, _ := os.ReadFile(log.Name())
				t.Logf("%s knotd log:\n%s", h, b)
			}
		})
	}
	dig := func(server, name, typ string) string {
		out, _ := ns.Cmd(kdig, "+short", "+time=1", "+retry=0", "@"+server, name, typ).CombinedOutput()
		return strings.TrimSpace(string(out))
	}
	serial := func(server, zone string) string {
		f := strings.Fields(dig(server, zone, "SOA"))
		if len(f) < 3 {
			return ""
		}
		return f[2]
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	for _, d := range topo.Domains {
		wait("secondary to transfer "+d, func() bool {
			s := serial(secondary.Addr.String(), d)
			return s != "" && s == serial(primary.Addr.String(), d)
		})
		if mx := dig(secondary.Addr.String(), d, "MX"); !strings.Contains(mx, "10 fra1-mx1.example.net.") || !strings.Contains(mx, "20 ams1-mx1.example.net.") {
			t.Errorf("secondary's MX of %s: %q", d, mx)
		}
	}

	// Change a zone on the primary: the secondary follows through NOTIFY.
	zone := topo.Domains[1]
	before := serial(secondary.Addr.String(), zone)
	zf := filepath.Join(root, primary.Name, "lib/zones", zone+".zone")
	b, err := os.ReadFile(zf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zf, append(b, "probe\tIN\tTXT\t\"changed\"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the unixtime serial moves in seconds
	ns.Run(t, knotc, "-c", conf[primary.Name], "zone-reload", zone)
	wait("the change to reach the secondary", func() bool {
		return dig(secondary.Addr.String(), "probe."+zone, "TXT") == `"changed"`
	})
	if after := serial(secondary.Addr.String(), zone); len(after) < len(before) || (len(after) == len(before) && after <= before) {
		t.Errorf("secondary serial %s after the change, was %s", after, before)
	}
}
