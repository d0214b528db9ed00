package server

import (
	"context"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/hosts"
	"github.com/racksmith/racksmith/pxe/nstest"
	"github.com/racksmith/racksmith/pxe/plan"
)

// labBoot is a boot server for the lab stack's fra1 site serving DHCP,
// router advertisements (so iPXE does not wait ~15 s for IPv6) and HTTP on
// a bridge inside a throwaway namespace, with a tap for a VM.
type labBoot struct {
	ns    *nstest.NS
	srv   *Server
	vm    *hosts.Reservation // the first fra1 host of the lab inventory
	logs  *logBuf
	dir   string
	qemu  string
	start time.Time
}

func startLabBoot(t *testing.T, files string, discovery bool) *labBoot {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Fatal("qemu-system-x86_64 missing: install qemu-system-x86 and ipxe-qemu (scripts/apt-packages.txt, `make setup`)")
	}
	if _, err := os.Stat("/usr/lib/ipxe/qemu/efi-virtio.rom"); err != nil {
		t.Fatal("the virtio-net iPXE option ROM is missing: install ipxe-qemu (scripts/apt-packages.txt)")
	}
	_, site, table := labSite(t, "fra1")
	ns := nstest.New(t, nstest.WithArea("pxeb2"),
		nstest.WithAddr(netip.PrefixFrom(site.Network.BootServer, site.Network.Prefix.Bits())))
	ns.AddTap(t, "tap0")

	dir := t.TempDir()
	if files == "" {
		files = dir
	}
	lb := &labBoot{ns: ns, vm: table.All()[0], logs: &logBuf{}, dir: dir, qemu: qemu}
	log := slog.New(slog.NewJSONHandler(lb.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	lb.srv, err = New(Config{BaseURL: site.Network.BootURL, ListenHTTP: site.Network.BootServer.String() + ":8080",
		FilesDir: files, StatePath: filepath.Join(dir, "state.db"), APIToken: apiToken, Discovery: discovery}, log)
	if err != nil {
		t.Fatal(err)
	}
	dcfg, err := DHCPConfig(site, table, PacketOptions{Discovery: discovery})
	if err != nil {
		t.Fatal(err)
	}
	ns.Run(t, func() {
		svc, err := DHCPService(ns.Bridge, dcfg, table, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := lb.srv.Add(svc); err != nil {
			t.Fatal(err)
		}
		ras, err := RAService(ns.Bridge, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := lb.srv.Add(ras); err != nil {
			t.Fatal(err)
		}
		if _, err := lb.srv.Listen(); err != nil {
			t.Fatal(err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- lb.srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return lb
}

// startVM boots a TCG VM with mac from the network (SeaBIOS; the
// virtio-net option ROM is iPXE), with one small disk, killed at cleanup.
// It returns a channel closed when QEMU exits.
func (lb *labBoot) startVM(t *testing.T, mac string) <-chan struct{} {
	t.Helper()
	disk := filepath.Join(lb.dir, "d0.img")
	if err := os.WriteFile(disk, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(disk, 64<<20); err != nil {
		t.Fatal(err)
	}
	lb.start = time.Now()
	cmd := lb.ns.Command(context.Background(), lb.qemu, "-accel", "tcg", "-cpu", "max", "-m", "512",
		"-display", "none", "-monitor", "none", "-serial", "file:"+filepath.Join(lb.dir, "serial.log"),
		"-no-reboot", "-boot", "n",
		"-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,mac="+mac,
		"-drive", "file="+disk+",if=none,id=d0,format=raw",
		"-device", "virtio-blk-pci,drive=d0,serial=RS-B2-D0")
	out := &logBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	return exited
}

// waitLog waits until one server log line holds every part.
func (lb *labBoot) waitLog(t *testing.T, exited <-chan struct{}, limit time.Duration, parts ...string) time.Duration {
	t.Helper()
	deadline := time.After(limit)
	for !hasLine(lb.logs.String(), parts...) {
		select {
		case <-exited:
			if hasLine(lb.logs.String(), parts...) {
				continue
			}
			b, _ := os.ReadFile(filepath.Join(lb.dir, "serial.log"))
			t.Fatalf("qemu exited before the server logged %q\nserial:\n%s\nserver log:\n%s", parts, b, lb.logs.String())
		case <-deadline:
			b, _ := os.ReadFile(filepath.Join(lb.dir, "serial.log"))
			t.Fatalf("server did not log %q within %s\nserial:\n%s\nserver log:\n%s", parts, limit, b, lb.logs.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	return time.Since(lb.start)
}

// TestQEMUPXEBoot boots a real QEMU VM on a tap in a bridge inside a
// namespace against this boot server serving the lab stack's fra1 site:
// DHCP gives the VM its reserved address and the script URL, iPXE fetches
// GET /boot/{mac}.ipxe and runs the install script up to the kernel fetch.
// With router advertisements on, the script comes well before iPXE's ~15 s
// IPv6 timeout.
func TestQEMUPXEBoot(t *testing.T) {
	nstest.RequireRoot(t)
	lb := startLabBoot(t, "", false)
	mac := lb.vm.MAC.String()
	if _, err := lb.srv.Store().PutIntent(mac, plan.Intent{Mode: plan.ModeInstall, Plan: &plan.Plan{Hostname: lb.vm.Hostname}}, false); err != nil {
		t.Fatal(err)
	}
	exited := lb.startVM(t, mac)
	remote := `"remote":"` + lb.vm.Address.String() + `:`
	script := lb.waitLog(t, exited, 150*time.Second, `"msg":"http request"`, `"path":"/boot/`+mac+`.ipxe"`, `"status":200`, remote)
	kernel := lb.waitLog(t, exited, 30*time.Second, `"msg":"http request"`, `"path":"/files/vmlinuz"`, remote)
	t.Logf("VM %s: GET /boot/%s.ipxe %.1fs after QEMU start, kernel asked %.1fs", lb.vm.Hostname, mac, script.Seconds(), kernel.Seconds())
	if !hasLine(lb.logs.String(), `"svc":"ra"`) {
		t.Errorf("router advertisements not logged")
	}
	// /metrics carries the DHCP server's counters beside the HTTP ones.
	mfs, err := lb.srv.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			got[mf.GetName()] += m.GetCounter().GetValue()
		}
	}
	if got["racksmith_dhcp_packets_total"] < 2 || got["racksmith_http_requests_total"] < 2 {
		t.Errorf("metrics: dhcp packets %v, http requests %v", got["racksmith_dhcp_packets_total"], got["racksmith_http_requests_total"])
	}
	if st, _ := lb.srv.Store().Status(mac); st.State != plan.StatePending {
		t.Errorf("state after the script fetch: %s", st.State)
	}
}

// TestQEMUDiscovery boots an unknown VM with discovery on, through the real
// installer image (make images): DHCP from the discovery pool, the discovery
// script, kernel and initrd over HTTP, and the installer agent reporting its
// facts with the discovery token; the host is then listed as discovered.
func TestQEMUDiscovery(t *testing.T) {
	nstest.RequireRoot(t) // under -short: skip, before looking for the images
	files, err := filepath.Abs("../../images/.build")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"vmlinuz", "initrd.img"} {
		if _, err := os.Stat(filepath.Join(files, f)); err != nil {
			t.Fatalf("installer image missing (%v): run `make images`", err)
		}
	}
	lb := startLabBoot(t, files, true)
	const mac = "52:54:00:b2:00:99" // in no inventory
	exited := lb.startVM(t, mac)
	script := lb.waitLog(t, exited, 150*time.Second, `"msg":"boot script"`, `"mac":"`+mac+`"`, `"boot":"discover"`)
	lb.waitLog(t, exited, 60*time.Second, `"path":"/files/initrd.img"`, `"status":200`)
	facts := lb.waitLog(t, exited, 120*time.Second, `"msg":"agent: facts"`, `"mac":"`+mac+`"`)
	t.Logf("discovery: script %.1fs, facts %.1fs after QEMU start", script.Seconds(), facts.Seconds())

	st, err := lb.srv.Store().Status(mac)
	if err != nil || st.State != plan.StateDiscovered || st.Facts == nil {
		t.Fatalf("discovered host: %+v %v", st, err)
	}
	found := false
	for _, d := range st.Facts.Disks {
		found = found || (d.Serial == "RS-B2-D0" && d.SizeBytes == 64<<20)
	}
	if !found {
		t.Errorf("facts lack the VM's disk RS-B2-D0 of 64 MiB: %+v", st.Facts.Disks)
	}
	if !strings.Contains(lb.logs.String(), `"remote":"10.11.0.`) {
		t.Errorf("no request from the pool's addresses")
	}
}

// hasLine reports whether one line of logs holds every part.
func hasLine(logs string, parts ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return true
		}
	}
	return false
}
