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

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/hosts"
	"github.com/racksmith/racksmith/pxe/nstest"
	"github.com/racksmith/racksmith/pxe/plan"
)

// TestQEMUPXEBoot boots a real QEMU VM (TCG, SeaBIOS, virtio-net whose
// option ROM is iPXE) on a tap in a bridge inside a namespace, against this
// boot server serving the lab stack's fra1 site: DHCP gives the VM its
// reserved address and the script URL, iPXE fetches GET /boot/{mac}.ipxe
// and runs the install script, which asks for the installer kernel.
func TestQEMUPXEBoot(t *testing.T) {
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Fatal("qemu-system-x86_64 missing: install qemu-system-x86 and ipxe-qemu (scripts/apt-packages.txt, `make setup`)")
	}
	if _, err := os.Stat("/usr/lib/ipxe/qemu/efi-virtio.rom"); err != nil {
		t.Fatal("the virtio-net iPXE option ROM is missing: install ipxe-qemu (scripts/apt-packages.txt)")
	}
	inv, diags := inventory.Load("../../stacks/lab")
	if diags.HasErrors() {
		t.Fatalf("lab inventory: %s", diags.Error())
	}
	var site *inventory.Site
	for _, s := range inv.Sites {
		if s.Name == "fra1" {
			site = s
		}
	}
	if site == nil {
		t.Fatal("lab inventory has no site fra1")
	}
	table, err := hosts.Build(inv, "fra1")
	if err != nil || table.Len() == 0 {
		t.Fatalf("fra1 host table: %v", err)
	}
	vm := table.All()[0]
	mac := vm.MAC.String()

	ns := nstest.New(t, nstest.WithArea("pxeb2"),
		nstest.WithAddr(netip.PrefixFrom(site.Network.BootServer, site.Network.Prefix.Bits())))
	ns.AddTap(t, "tap0")

	dir := t.TempDir()
	logs := &logBuf{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Config{BaseURL: site.Network.BootURL, ListenHTTP: site.Network.BootServer.String() + ":8080",
		FilesDir: dir, StatePath: filepath.Join(dir, "state.db"), APIToken: apiToken}, log)
	if err != nil {
		t.Fatal(err)
	}
	dcfg, err := DHCPConfig(site, table, PacketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns.Run(t, func() {
		svc, err := DHCPService(ns.Bridge, dcfg, table, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Add(svc); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Listen(); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := srv.Store().PutIntent(mac, plan.Intent{Mode: plan.ModeInstall, Plan: &plan.Plan{Hostname: vm.Hostname}}, false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})

	serial := filepath.Join(dir, "serial.log")
	start := time.Now()
	cmd := ns.Command(context.Background(), qemu, "-accel", "tcg", "-cpu", "max", "-m", "256",
		"-display", "none", "-monitor", "none", "-serial", "file:"+serial, "-no-reboot", "-boot", "n",
		"-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,mac="+mac)
	out := &logBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	remote := `"remote":"` + vm.Address.String() + `:`
	wantScript := []string{`"msg":"http request"`, `"path":"/boot/` + mac + `.ipxe"`, `"status":200`, remote}
	wantKernel := []string{`"msg":"http request"`, `"path":"/files/vmlinuz"`, remote}
	var scriptAt time.Duration
	deadline := time.After(150 * time.Second)
	for {
		l := logs.String()
		if scriptAt == 0 && hasLine(l, wantScript...) {
			scriptAt = time.Since(start)
		}
		if scriptAt != 0 && hasLine(l, wantKernel...) {
			break
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("qemu exited (%v) before the boot went through\nqemu: %s\nserver log:\n%s", err, out.String(), l)
		case <-deadline:
			b, _ := os.ReadFile(serial)
			t.Fatalf("no script and kernel fetch from %s within 150s\nserial:\n%s\nserver log:\n%s", mac, b, l)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Logf("VM %s: GET /boot/%s.ipxe %.1fs after QEMU start, kernel asked %.1fs", vm.Hostname, mac, scriptAt.Seconds(), time.Since(start).Seconds())
	if st, _ := srv.Store().Status(mac); st.State != plan.StatePending {
		t.Errorf("state after the script fetch: %s", st.State)
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
