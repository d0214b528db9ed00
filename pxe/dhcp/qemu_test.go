package dhcp

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/nstest"
	"github.com/racksmith/racksmith/pxe/ra"
	"github.com/racksmith/racksmith/pxe/tftp"
)

const ovmfFirmware = "/usr/share/ovmf/OVMF.fd"

// TestQEMUUEFIBoot boots real UEFI VMs (QEMU TCG, OVMF, virtio-net) on a
// tap in the namespace's bridge against this package's DHCP server, the
// TFTP server of the Debian iPXE binaries and router advertisements, until
// iPXE fetches the per-host script URL over HTTP.
//
//   - firmware PXE (the NIC's option ROM disabled): OVMF's own PXE asks
//     with arch 7 and PXEClient, accepts the offer only with options 60+43,
//     fetches ipxe.efi over TFTP; iPXE asks again showing option 175.
//   - iPXE ROM (Debian's efi-virtio.rom): iPXE is the first client.
func TestQEMUUEFIBoot(t *testing.T) {
	nstest.RequireRoot(t)
	cases := []struct {
		name    string
		romfile []string
		steps   [][]string
	}{
		{"firmware PXE", []string{",romfile="}, [][]string{
			{"msg=\"dhcp packet\"", "mac=52:54:00:00:00:02", "result=offer", "firmware=uefi", "arch=7", "file=ipxe.efi"},
			{"msg=\"dhcp packet\"", "mac=52:54:00:00:00:02", "result=ack", "firmware=uefi", "arch=7", "file=ipxe.efi"},
			{"msg=\"tftp transfer done\"", "file=ipxe.efi", "peer=192.0.2.12:", "bytes="},
			{"msg=\"dhcp packet\"", "mac=52:54:00:00:00:02", "result=ack", "firmware=ipxe", "yiaddr=192.0.2.12", "file=http://192.0.2.1:8080/boot/"},
		}},
		{"iPXE ROM", nil, [][]string{
			{"msg=\"dhcp packet\"", "mac=52:54:00:00:00:02", "result=ack", "firmware=ipxe", "yiaddr=192.0.2.12", "file=http://192.0.2.1:8080/boot/"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { bootUEFI(t, strings.Join(c.romfile, ""), false, c.steps) })
	}
}

// TestQEMUProxyDHCP boots OVMF's own PXE on a network whose addresses come
// from another DHCP server (dnsmasq, in the peer namespace, no boot
// options): this server in proxy mode supplies only the boot program, then
// iPXE's script URL.
func TestQEMUProxyDHCP(t *testing.T) {
	nstest.RequireRoot(t)
	bootUEFI(t, ",romfile=", true, [][]string{
		{"msg=\"dhcp packet\"", "mac=52:54:00:00:00:02", "result=offer", "firmware=uefi", "port=67", "file=ipxe.efi"},
		{"msg=\"tftp transfer done\"", "file=ipxe.efi", "bytes="},
		{"msg=\"dhcp packet\"", "mac=52:54:00:00:00:02", "firmware=ipxe", "file=http://192.0.2.1:8080/boot/"},
	})
}

func bootUEFI(t *testing.T, deviceExtra string, proxy bool, steps [][]string) {
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Fatal("qemu-system-x86_64 missing: install qemu-system-x86 (scripts/apt-packages.txt, `make setup`)")
	}
	for _, f := range []string{ovmfFirmware, "/usr/lib/ipxe/ipxe.efi", "/usr/lib/ipxe/qemu/efi-virtio.rom"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%v: install ovmf, ipxe and ipxe-qemu (scripts/apt-packages.txt)", err)
		}
	}
	ns := nstest.New(t, nstest.WithArea("uefi"), nstest.WithPeerAddr(netip.MustParsePrefix("192.0.2.2/24")))
	ns.AddTap(t, "tap0")
	logs := &syncBuf{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	goServe := func(name string, serve func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := serve(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}()
	}

	cfg := testConfig()
	var dnsmasqLog string
	if proxy {
		cfg.Mode = ModeProxy
		dnsmasqLog = startDnsmasq(t, ns)
	}
	h, err := NewHandler(cfg, testTable(t), log)
	if err != nil {
		t.Fatal(err)
	}
	efi, err := filepath.EvalSymlinks("/usr/lib/ipxe/ipxe.efi")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := tftp.NewServer(tftp.DefaultRoot, log, tftp.WithFile("ipxe.efi", efi))
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	script := make(chan time.Time, 1)
	mac := macUEFI7.String()
	var srv *Server
	var adv *ra.Advertiser
	var ln net.Listener
	ns.Run(t, func() {
		if srv, err = NewServer(ns.Bridge, h); err != nil {
			t.Fatal(err)
		}
		if adv, err = ra.New(ns.Bridge, ra.Config{}, log); err != nil {
			t.Fatal(err)
		}
		if ln, err = net.Listen("tcp", ns.Addr.Addr().String()+":8080"); err != nil {
			t.Fatal(err)
		}
	})
	goServe("dhcp", func() error { return srv.Serve(ctx) })
	goServe("ra", func() error { return adv.Serve(ctx) })
	goServe("tftp", func() error { return ns.Do(func() error { return ts.Serve(ctx, ns.Addr.Addr().String()+":69") }) })
	web := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Info("http request", "path", r.URL.Path, "remote", r.RemoteAddr)
		if r.URL.Path == "/boot/"+mac+".ipxe" {
			select {
			case script <- time.Now():
			default:
			}
		}
		fmt.Fprint(w, "#!ipxe\nsleep 600\n")
	})}
	goServe("http", func() error {
		if err := web.Serve(ln); err != http.ErrServerClosed {
			return err
		}
		return nil
	})
	t.Cleanup(func() { web.Close() })

	dir := t.TempDir()
	serial := filepath.Join(dir, "serial.log")
	start := time.Now()
	cmd := ns.Command(ctx, qemu, "-accel", "tcg", "-cpu", "max", "-m", "256", "-bios", ovmfFirmware,
		"-display", "none", "-monitor", "none", "-serial", "file:"+serial, "-no-reboot",
		"-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,mac="+mac+deviceExtra)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })

	select {
	case at := <-script:
		t.Logf("UEFI VM fetched its iPXE script %.1fs after QEMU start", at.Sub(start).Seconds())
	case <-exited:
		t.Fatalf("qemu exited: %s\nserver log:\n%s", out.String(), logs)
	case <-time.After(240 * time.Second):
		b, _ := os.ReadFile(serial)
		t.Fatalf("no script fetch within 240 s\nserial:\n%s\nserver log:\n%s", b, logs)
	}
	if proxy {
		// The address came from the network's server; ours gave none.
		b, _ := os.ReadFile(dnsmasqLog)
		if !bytes.Contains(b, []byte("DHCPACK(eth0) 192.0.2.1")) || !bytes.Contains(b, []byte(mac)) {
			t.Errorf("dnsmasq acknowledged no address for %s:\n%s", mac, b)
		}
		if logs.hasLine("mac="+mac, "yiaddr=") {
			t.Errorf("proxyDHCP handed out an address:\n%s", logs)
		}
	}
	for _, step := range steps {
		if !logs.hasLine(step...) {
			t.Errorf("no server log line with %q\nserver log:\n%s", step, logs)
		}
	}
}

// startDnsmasq runs dnsmasq in the peer namespace as the network's own DHCP
// server (addresses only, no boot options) and returns its log file.
func startDnsmasq(t *testing.T, ns *nstest.NS) string {
	t.Helper()
	bin, err := exec.LookPath("dnsmasq")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/dnsmasq"); err != nil {
			t.Fatal("dnsmasq missing: install dnsmasq-base (scripts/apt-packages.txt)")
		}
	}
	dir := t.TempDir()
	cmd := ns.Peer.Command(context.Background(), bin, "-k", "--conf-file=/dev/null", "--port=0",
		"--interface="+ns.PeerIf, "--bind-interfaces", "--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,10m",
		"--dhcp-leasefile="+filepath.Join(dir, "leases"), "--pid-file=", "--user=root", "--log-dhcp",
		"--log-facility="+filepath.Join(dir, "dnsmasq.log"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		b, _ := os.ReadFile(filepath.Join(dir, "dnsmasq.log"))
		if t.Failed() {
			t.Logf("dnsmasq: %s\n%s", out.String(), b)
		}
	})
	return filepath.Join(dir, "dnsmasq.log")
}

// syncBuf is a log sink safe for concurrent writers.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuf) hasLine(parts ...string) bool {
	for _, line := range strings.Split(s.String(), "\n") {
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
