package dhcp

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
	dto "github.com/prometheus/client_model/go"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/hosts"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// Test MACs: one host per firmware family.
var (
	macBIOS    = mustMAC("52:54:00:00:00:01")
	macUEFI7   = mustMAC("52:54:00:00:00:02")
	macUEFI9   = mustMAC("52:54:00:00:00:03")
	macHTTP    = mustMAC("52:54:00:00:00:04")
	macIPXE    = mustMAC("52:54:00:00:00:05")
	macIPXEUC  = mustMAC("52:54:00:00:00:06")
	macARM     = mustMAC("52:54:00:00:00:07")
	macOS      = mustMAC("52:54:00:00:00:08")
	macIA32    = mustMAC("52:54:00:00:00:09")
	macARM32   = mustMAC("52:54:00:00:00:0a")
	macUnknown = mustMAC("52:54:00:99:99:99")
)

func mustMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// testTable is a site "t1" on 192.0.2.0/24, boot server 192.0.2.1, with one
// server per test MAC at 192.0.2.(10+n).
func testTable(t testing.TB) *hosts.Table {
	t.Helper()
	site := &inventory.Site{Name: "t1", Network: inventory.Network{
		Prefix:     netip.MustParsePrefix("192.0.2.0/24"),
		Gateway:    netip.MustParseAddr("192.0.2.254"),
		BootServer: netip.MustParseAddr("192.0.2.1"),
		BootURL:    "http://192.0.2.1:8080",
		DNS:        []netip.Addr{netip.MustParseAddr("192.0.2.53")},
	}}
	inv := &inventory.Inventory{Sites: []*inventory.Site{site}}
	for i, mac := range []net.HardwareAddr{macBIOS, macUEFI7, macUEFI9, macHTTP, macIPXE, macIPXEUC, macARM, macOS, macIA32, macARM32} {
		inv.Servers = append(inv.Servers, &inventory.Server{
			Name:    "host-" + string(rune('a'+i)),
			Site:    "t1",
			Address: netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(11 + i)}), 24),
			NICs:    []inventory.NIC{{Name: "eth0", MAC: mac.String(), Purpose: "provisioning"}},
		})
	}
	tab, err := hosts.Build(inv, "t1")
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func testConfig() Config {
	return Config{ServerIP: netip.MustParseAddr("192.0.2.1"), BootURL: "http://192.0.2.1:8080"}
}

func newTestHandler(t testing.TB, cfg Config) *Handler {
	t.Helper()
	h, err := NewHandler(cfg, testTable(t), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// testLogger writes through t.Log, so a failing test shows the packet log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// firmware modifiers: what each client kind puts in its DISCOVER.
func biosPXE() []dhcpv4.Modifier {
	return []dhcpv4.Modifier{
		dhcpv4.WithOption(dhcpv4.OptClientArch(iana.INTEL_X86PC)),
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier("PXEClient:Arch:00000:UNDI:002001")),
	}
}

func uefiPXE(arch iana.Arch) []dhcpv4.Modifier {
	return []dhcpv4.Modifier{
		dhcpv4.WithOption(dhcpv4.OptClientArch(arch)),
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier("PXEClient:Arch:00007:UNDI:003016")),
	}
}

func httpBoot() []dhcpv4.Modifier {
	return []dhcpv4.Modifier{
		dhcpv4.WithOption(dhcpv4.OptClientArch(iana.EFI_X86_64_HTTP)),
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier("HTTPClient:Arch:00016:UNDI:003001")),
	}
}

// ipxeOpt175 is iPXE as QEMU's virtio ROM sends it: option 175 with its
// features, user class "iPXE", arch 0.
func ipxeOpt175() []dhcpv4.Modifier {
	return append(biosPXE(), dhcpv4.WithGeneric(dhcpv4.GenericOptionCode(175), []byte{177, 5, 1, 0x1a, 0xf4, 0x10, 0}))
}

func ipxeUserClass() []dhcpv4.Modifier {
	return append(uefiPXE(iana.EFI_X86_64), dhcpv4.WithGeneric(dhcpv4.OptionUserClassInformation, []byte("iPXE")))
}

func armPXE(arch iana.Arch) []dhcpv4.Modifier {
	return []dhcpv4.Modifier{
		dhcpv4.WithOption(dhcpv4.OptClientArch(arch)),
		dhcpv4.WithOption(dhcpv4.OptClassIdentifier(fmt.Sprintf("PXEClient:Arch:%05d:UNDI:003000", arch))),
	}
}

func discover(t testing.TB, mac net.HardwareAddr, mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
	t.Helper()
	m, err := dhcpv4.NewDiscovery(mac, append([]dhcpv4.Modifier{
		dhcpv4.WithTransactionID(dhcpv4.TransactionID{0xde, 0xad, mac[4], mac[5]}),
	}, mods...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (rerun with -update if intended)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

var bg = context.Background()

// counterValue reads a Prometheus counter.
func counterValue(t testing.TB, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
