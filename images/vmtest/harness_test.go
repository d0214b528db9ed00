package vmtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/ipxe"
	"github.com/racksmith/racksmith/pxe/nstest"
	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/server"
	"github.com/racksmith/racksmith/pxe/store"
)

const (
	bridgeAddr = "192.0.2.1/24"
	baseURL    = "http://192.0.2.1:8080"
	vmAddr     = "192.0.2.50/24"
)

// buildDir is images/.build, made by `make images`.
func buildDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../.build")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"vmlinuz", "initrd.img", "os/busybox-root.tar.gz", "os/busybox-root.tar.gz.sha256"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("%s is missing: run `make images` first (images/build.sh)", filepath.Join(dir, f))
		}
	}
	return dir
}

func requireTools(t *testing.T) {
	t.Helper()
	nstest.RequireRoot(t)
	for tool, pkg := range map[string]string{"qemu-system-x86_64": "qemu-system-x86", "mdadm": "mdadm", "cryptsetup": "cryptsetup-bin",
		"debugfs": "e2fsprogs", "sfdisk": "fdisk", "losetup": "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: install the Debian package %s (scripts/apt-packages.txt, `make setup`)", tool, pkg)
		}
	}
}

// lab is one namespace with the real boot server in it.
type lab struct {
	t     *testing.T
	ns    *nstest.NS
	srv   *server.Server
	st    *store.Store
	build string
	dir   string
	logs  *syncBuf
	dhcp  bool // VMs get their address from the boot server's DHCP (udhcpc), not racksmith.ip
}

// unknownHosts is a DHCP backend that knows no host: every VM is answered
// from the discovery pool, as a freshly racked server is.
type unknownHosts struct{}

func (unknownHosts) Lookup(context.Context, net.HardwareAddr) (*dhcp.Reservation, error) {
	return nil, nil
}

// newDHCPLab is newLab whose boot server also runs the real DHCP server
// (pxe/dhcp) on the bridge, with a discovery pool.
func newDHCPLab(t *testing.T) *lab { return startLab(t, true) }

func newLab(t *testing.T) *lab { return startLab(t, false) }

func startLab(t *testing.T, withDHCP bool) *lab {
	t.Helper()
	requireTools(t)
	l := &lab{t: t, build: buildDir(t), dir: t.TempDir(), logs: &syncBuf{}, dhcp: withDHCP}
	l.ns = nstest.New(t, nstest.WithArea("img"), nstest.WithAddr(netip.MustParsePrefix(bridgeAddr)))
	log := slog.New(slog.NewJSONHandler(l.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tok := make([]byte, 16)
	rand.Read(tok)
	srv, err := server.New(server.Config{BaseURL: baseURL, ListenHTTP: "192.0.2.1:8080", FilesDir: l.build,
		StatePath: filepath.Join(l.dir, "state.db"), APIToken: hex.EncodeToString(tok), Discovery: true,
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	l.ns.Run(t, func() {
		if _, err := srv.Listen(); err != nil {
			t.Fatal(err)
		}
		if !withDHCP {
			return
		}
		cfg := dhcp.Config{ServerIP: netip.MustParseAddr("192.0.2.1"), BootURL: baseURL,
			Discovery: &dhcp.Pool{Start: netip.MustParseAddr("192.0.2.200"), End: netip.MustParseAddr("192.0.2.250"), PrefixLen: 24}}
		h, err := dhcp.NewHandler(cfg, unknownHosts{}, log)
		if err != nil {
			t.Fatal(err)
		}
		d, err := dhcp.NewServer(l.ns.Bridge, h)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Add(server.Service{Name: "dhcp", Serve: d.Serve}); err != nil {
			t.Fatal(err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("boot server: %v", err)
		}
		if t.Failed() {
			t.Logf("boot server log:\n%s", l.logs.String())
		}
	})
	l.srv, l.st = srv, srv.Store()
	return l
}

// vm is one QEMU machine's definition.
type vm struct {
	name   string
	mac    string
	disks  []string // raw image paths
	serial []string // virtio-blk serials
	tap    string
	uefi   bool // OVMF (UEFI firmware) instead of SeaBIOS; installed with systemd-boot
}

func (l *lab) newVM(name, mac string, n int, sizeMiB int64) *vm {
	v := &vm{name: name, mac: mac, tap: "tap" + fmt.Sprint(len(name)%10)}
	for i := 0; i < n; i++ {
		p := filepath.Join(l.dir, fmt.Sprintf("%s-d%d.img", name, i))
		f, err := os.Create(p)
		if err != nil {
			l.t.Fatal(err)
		}
		if err := f.Truncate(sizeMiB << 20); err != nil {
			l.t.Fatal(err)
		}
		f.Close()
		v.disks = append(v.disks, p)
		v.serial = append(v.serial, fmt.Sprintf("RS-%s-%d", strings.ToUpper(name), i))
	}
	l.ns.AddTap(l.t, v.tap)
	return v
}

// boot decides the host's next boot at the boot server exactly as for a PXE
// boot (store.BootFor mints the token; ipxe.Cmdline is the script's command
// line) and starts the installer by QEMU direct kernel boot with that line.
// With fromDisk it starts the VM from its own disks instead (-boot c; for a
// UEFI VM the disks' bootindex, with the firmware's own PXE turned off).
// reached is how long after QEMU's start the host's status first satisfied
// cond (polled every 50 ms; 0 if never).
func (l *lab) boot(v *vm, fromDisk bool, timeout time.Duration, cond func(plan.Status) bool) (serial string, reached time.Duration) {
	l.t.Helper()
	log := filepath.Join(l.dir, fmt.Sprintf("%s-%d.serial", v.name, time.Now().UnixNano()))
	args := []string{"-accel", "tcg", "-cpu", "max", "-m", "512", "-display", "none", "-monitor", "none",
		"-serial", "file:" + log, "-no-reboot",
		"-netdev", "tap,id=n0,ifname=" + v.tap + ",script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,romfile=,mac=" + v.mac}
	for i, d := range v.disks {
		dev := fmt.Sprintf("virtio-blk-pci,drive=d%d,serial=%s", i, v.serial[i])
		if v.uefi {
			dev += fmt.Sprintf(",bootindex=%d", i+1)
		}
		args = append(args, "-drive", fmt.Sprintf("file=%s,if=none,id=d%d,format=raw", d, i), "-device", dev)
	}
	if v.uefi {
		// OVMF's own virtio-net driver would PXE-boot even without an
		// option ROM: only the disks may boot
		args = append(args, "-bios", ovmfImage,
			"-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n",
			"-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n")
	}
	if fromDisk && !v.uefi {
		args = append(args, "-boot", "c")
	} else if !fromDisk {
		b, err := l.st.BootFor(v.mac, true)
		if err != nil {
			l.t.Fatal(err)
		}
		if b.Kind == store.BootNone || b.Kind == store.BootLocal {
			l.t.Fatalf("boot server would not boot the installer for %s: %s %s", v.mac, b.Kind, b.Reason)
		}
		extra := []string{"racksmith.ip=" + vmAddr}
		if l.dhcp {
			extra = nil
		}
		cmdline := ipxe.Cmdline(ipxe.Config{BaseURL: baseURL, ExtraArgs: extra}, b)
		args = append(args, "-kernel", filepath.Join(l.build, "vmlinuz"), "-initrd", filepath.Join(l.build, "initrd.img"), "-append", cmdline)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := l.ns.Command(ctx, "qemu-system-x86_64", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-time.After(50 * time.Millisecond):
			if st, serr := l.st.Status(v.mac); serr == nil && reached == 0 && cond != nil && cond(st) {
				reached = time.Since(start)
			}
		}
	}
	if st, serr := l.st.Status(v.mac); serr == nil && reached == 0 && cond != nil && cond(st) {
		reached = time.Since(start)
	}
	b, _ := os.ReadFile(log)
	serial = string(b)
	if keep := os.Getenv("RACKSMITH_VMTEST_SERIAL_DIR"); keep != "" {
		os.WriteFile(filepath.Join(keep, filepath.Base(log)), b, 0o644)
	}
	if ctx.Err() != nil {
		l.t.Fatalf("VM %s did not power off within %s\nserial:\n%s", v.name, timeout, tail(serial, 6000))
	}
	if err != nil {
		l.t.Fatalf("qemu: %v: %s\nserial:\n%s", err, out.String(), tail(serial, 6000))
	}
	return serial, reached
}

func (l *lab) status(mac string) plan.Status {
	l.t.Helper()
	st, err := l.st.Status(mac)
	if err != nil {
		l.t.Fatal(err)
	}
	return st
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

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

func truncate(path string, size int64) error { return os.Truncate(path, size) }
