package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/provider/bmc"
)

// needRoot: the lab tests need root, namespaces, ipmi_sim and QEMU.
func needRoot(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs root, network namespaces, ipmi_sim and QEMU: not run with -short (make test runs it)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the lab test needs root (network namespaces, taps): CI runs make test as root")
	}
}

// testLab brings up stacks/lab in a namespace of its own and always tears
// it down again.
func testLab(t *testing.T) (*Lab, *Layout) {
	t.Helper()
	return testLabOf(t, loadLab(t))
}

// testLabOf is testLab of inv.
func testLabOf(t *testing.T, inv *inventory.Inventory) (*Lab, *Layout) {
	t.Helper()
	needRoot(t)
	if err := CheckTools(); err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	cfg := Config{Namespace: "rs-lab-e1-" + hex.EncodeToString(suffix), RunDir: t.TempDir()}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	lay, err := Plan(inv, cfg.Namespace, netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	l := New(cfg, log)
	t.Cleanup(func() {
		if _, err := New(cfg, log).Down(context.Background(), false); err != nil {
			t.Errorf("cleanup down: %v", err)
		}
	})
	start := time.Now()
	if err := l.Up(context.Background(), lay); err != nil {
		t.Fatalf("lab up: %v", err)
	}
	t.Logf("lab up with %d BMCs in %s", len(lay.Hosts), time.Since(start).Round(time.Millisecond))
	return l, lay
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.ReplaceAll(string(b), "\x00", " ")
}

// TestLabUpStatusDown: lab up on stacks/lab starts one BMC per server with
// every VM off; powering hosts on through their BMCs (IPMI over the lab's
// BMC network) starts their VMs with the inventory's MAC, serials and the
// requested boot device; lab down, from a fresh process state, leaves no
// namespace and no process behind.
func TestLabUpStatusDown(t *testing.T) {
	l, lay := testLab(t)
	ctx := context.Background()

	st, err := l.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Up || len(st.Hosts) != 4 {
		t.Fatalf("status: %+v", st)
	}
	for _, h := range st.Hosts {
		if h.Power != "off" || h.BMCPid == 0 || h.VMPid != 0 {
			t.Fatalf("fresh lab host %+v: want BMC running, power off, no VM", h)
		}
	}
	fi, err := os.Stat(PasswordFile(l.RunDir()))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v %v", fi, err)
	}
	password, err := Password(l.RunDir())
	if err != nil {
		t.Fatal(err)
	}

	// fra1-node1 boots from the network once, ams1-node1 from its disk.
	pxeHost, _ := lay.Host("fra1-node1")
	diskHost, _ := lay.Host("ams1-node1")
	pxe := powerOnPXE(t, l, pxeHost, password)
	if err := l.BMC(diskHost, password, 5*time.Second).SetPower(ctx, "cycle"); err != nil {
		t.Fatal(err)
	}

	st, err = l.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pids := map[string]int{}
	var recorded []int
	for _, h := range st.Hosts {
		recorded = append(recorded, h.BMCPid)
		on := h.Name == pxeHost.Name || h.Name == diskHost.Name
		if on != (h.Power == "on") || on != (h.VMPid != 0) {
			t.Errorf("after power on: %+v", h)
		}
		if h.VMPid != 0 {
			pids[h.Name] = h.VMPid
			recorded = append(recorded, h.VMPid)
		}
	}
	for name, boot := range map[string]string{pxeHost.Name: "-boot once=n,order=c", diskHost.Name: "-boot order=c"} {
		h, _ := lay.Host(name)
		cl := cmdline(pids[name])
		for _, want := range []string{boot, "mac=" + h.MAC, "ifname=" + h.Tap, "serial=" + h.Serial, "serial=" + h.Disks[1].Serial, "-m 512"} {
			if !strings.Contains(cl, want) {
				t.Errorf("%s VM (pid %d) lacks %q: %s", name, pids[name], want, cl)
			}
		}
	}
	inNS := strings.Fields(mustRun(t, "ip", "netns", "pids", l.Namespace()))
	for name, pid := range pids {
		if !contains(inNS, fmt.Sprint(pid)) {
			t.Errorf("VM of %s (pid %d) is not in namespace %s", name, pid, l.Namespace())
		}
	}

	// a cycle of a running VM: hard off, then on again in a new QEMU that
	// gets the tap and the disks the old one held
	diskBMC := l.BMC(diskHost, password, 5*time.Second)
	if err := diskBMC.SetPower(ctx, "cycle"); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(l.RunDir(), diskHost.Name, fileQEMUPid)
	var newPid int
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if newPid = livePid(pidFile, pidFile); newPid != 0 && newPid != pids[diskHost.Name] {
			break
		}
		if time.Now().After(deadline) {
			qlog, _ := os.ReadFile(filepath.Join(l.RunDir(), diskHost.Name, "qemu.log"))
			t.Fatalf("no new VM after power cycle (old pid %d): %s", pids[diskHost.Name], qlog)
		}
	}
	if alive(pids[diskHost.Name], pidFile) {
		t.Errorf("old VM %d still runs after the cycle", pids[diskHost.Name])
	}
	recorded = append(recorded, newPid)
	if p, err := diskBMC.PowerState(ctx); err != nil || p != bmc.PowerOn {
		t.Errorf("after cycle: %q, %v", p, err)
	}

	// a BMC that stops answering shows in status, within the timeout
	dead, _ := lay.Host("ams1-node2")
	for _, h := range st.Hosts {
		if h.Name == dead.Name {
			if !stopPid(h.BMCPid, "ipmi_sim", time.Second) {
				t.Fatalf("could not stop the BMC of %s", dead.Name)
			}
		}
	}
	start := time.Now()
	st, err = l.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range st.Hosts {
		if h.Name == dead.Name && (h.Power != "?" || h.BMCPid != 0 || !strings.Contains(h.Error, dead.BMC.String()) || !strings.Contains(h.Error, "unreachable")) {
			t.Errorf("status of a host whose BMC is gone: %+v", h)
		}
	}
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("status with one dead BMC took %s", took)
	}

	// a BMC address where nothing answers, on the lab's BMC network
	ghost := Host{Name: "ghost", BMC: netip.MustParseAddrPort("10.99.0.99:623"), BMCUser: "admin"}
	start = time.Now()
	_, err = l.BMC(&ghost, password, 2*time.Second).PowerState(ctx)
	if !errors.Is(err, bmc.ErrUnreachable) || !strings.Contains(err.Error(), "10.99.0.99:623") || time.Since(start) > 4*time.Second {
		t.Errorf("BMC at an empty address: %v after %s", err, time.Since(start))
	}

	// power off through the BMC stops the VM
	if err := pxe.SetPower(ctx, "off"); err != nil {
		t.Fatal(err)
	}
	if p, err := pxe.PowerState(ctx); err != nil || p != bmc.PowerOff || alive(pids[pxeHost.Name], "qemu") {
		t.Fatalf("after off: power %q, %v; VM alive %v", p, err, alive(pids[pxeHost.Name], "qemu"))
	}

	stopped, err := New(Config{Namespace: l.Namespace(), RunDir: l.RunDir()}, nil).Down(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if !stopped.Namespace {
		t.Error("down did not delete the namespace")
	}
	assertNothingLeft(t, l, recorded)
	// a second down is harmless
	if _, err := l.Down(ctx, false); err != nil {
		t.Errorf("second down: %v", err)
	}
}

// TestLabUEFIHost: a server with firmware = "uefi" powered on through its
// BMC runs OVMF (-bios), which boots from the network first (bootindex):
// its console shows OVMF trying the NIC before anything else.
func TestLabUEFIHost(t *testing.T) {
	inv := loadLab(t)
	for _, s := range inv.Servers {
		if s.Name == "fra1-node1" {
			s.Firmware = inventory.FirmwareUEFI
		}
	}
	l, lay := testLabOf(t, inv)
	ctx := context.Background()
	password, err := Password(l.RunDir())
	if err != nil {
		t.Fatal(err)
	}
	h, _ := lay.Host("fra1-node1")
	b := powerOnPXE(t, l, h, password)
	defer b.SetPower(ctx, "off")
	pid := livePid(filepath.Join(l.RunDir(), h.Name, fileQEMUPid), fileQEMUPid)
	if cl := cmdline(pid); !strings.Contains(cl, "-bios "+OVMFImage) || !strings.Contains(cl, "mac="+h.MAC+",bootindex=1") {
		t.Fatalf("UEFI VM (pid %d): %s", pid, cl)
	}
	console := filepath.Join(l.RunDir(), h.Name, fileConsole)
	var out []byte
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		out, _ = os.ReadFile(console)
		if bdsBoot.Match(out) {
			break
		}
	}
	// no DHCP here: iPXE (the NIC's EFI driver) gives up, then OVMF says
	// which boot option that was
	first := bdsBoot.FindSubmatch(out)
	if first == nil || !strings.Contains(string(first[1]), "PXE") || !strings.Contains(string(out), "net0: "+h.MAC) {
		t.Fatalf("OVMF did not boot from the network first; console:\n%s", out)
	}
	t.Logf("first boot option of the UEFI host: %s", first[1])
}

// powerOnPXE sets h's next boot to the network once and powers it on
// through its BMC.
func powerOnPXE(t *testing.T, l *Lab, h *Host, password string) *bmc.Client {
	t.Helper()
	b := l.BMC(h, password, 5*time.Second)
	if err := b.SetPXEOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := b.SetPower(context.Background(), "on"); err != nil {
		t.Fatal(err)
	}
	return b
}

// bdsBoot is OVMF's line about a boot option it tried.
var bdsBoot = regexp.MustCompile(`BdsDxe: (?:loading|starting|failed to load) Boot[0-9A-F]+ "([^"]*)"`)

// TestLabUpFailureLeavesNothing: when lab up fails half way (here the boot
// server exits at once) it tears down what it had started.
func TestLabUpFailureLeavesNothing(t *testing.T) {
	needRoot(t)
	if err := CheckTools(); err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	cfg := Config{
		Namespace: "rs-lab-e1-" + hex.EncodeToString(suffix), RunDir: t.TempDir(),
		BootServer: &BootServerConfig{Binary: "/bin/false", Stack: "lab"},
	}
	lay, err := Plan(loadLab(t), cfg.Namespace, netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	l := New(cfg, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { _, _ = l.Down(context.Background(), false) })
	err = l.Up(context.Background(), lay)
	if err == nil || !strings.Contains(err.Error(), "boot server fra1 exited at start") {
		t.Fatalf("up with a failing boot server: err = %v", err)
	}
	assertNothingLeft(t, l, nil)
}

// TestLabUpAfterLostNamespace: when the namespace went away under a
// running lab (deleted by hand, a crash), its BMCs and VMs still run and
// hold the disk images; the next lab up stops them by pid first, and its
// VMs start on the same disks.
func TestLabUpAfterLostNamespace(t *testing.T) {
	l, lay := testLab(t)
	ctx := context.Background()
	password, err := Password(l.RunDir())
	if err != nil {
		t.Fatal(err)
	}
	h, _ := lay.Host("fra1-node2")
	if err := l.BMC(h, password, 5*time.Second).SetPower(ctx, "on"); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(l.RunDir(), h.Name, fileQEMUPid)
	old := livePid(pidFile, pidFile)
	if old == 0 {
		t.Fatal("VM did not start")
	}
	mustRun(t, "ip", "netns", "del", l.Namespace())

	lay2, err := Plan(loadLab(t), l.Namespace(), netip.Prefix{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Up(ctx, lay2); err != nil {
		t.Fatalf("lab up after the namespace was lost: %v", err)
	}
	if alive(old, pidFile) {
		t.Fatalf("VM %d of the lost lab still runs", old)
	}
	if err := l.BMC(h, password, 5*time.Second).SetPower(ctx, "on"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // QEMU fails on locked disks right after daemonizing
	if pid := livePid(pidFile, pidFile); pid == 0 || pid == old {
		qlog, _ := os.ReadFile(filepath.Join(l.RunDir(), h.Name, "qemu.log"))
		t.Fatalf("VM did not start on the same disks (pid %d): %s", pid, qlog)
	}
}

func assertNothingLeft(t *testing.T, l *Lab, pids []int) {
	t.Helper()
	if namespaceExists(l.Namespace()) {
		t.Errorf("namespace %s still exists", l.Namespace())
	}
	for _, pid := range pids {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil && alive(pid, "") {
			t.Errorf("pid %d still running: %s", pid, cmdline(pid))
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), l.RunDir()) {
			t.Errorf("process %s still runs from the lab: %s", p, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
}

func mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
