package dhcp

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

type fwCase struct {
	name string
	mac  net.HardwareAddr
	mods []dhcpv4.Modifier
	file string
	vc   string // option 60 expected in the reply
}

func fwCases() []fwCase {
	return []fwCase{
		{"bios", macBIOS, biosPXE(), "undionly.kpxe", "PXEClient"},
		{"uefi7", macUEFI7, uefiPXE(iana.EFI_X86_64), "ipxe.efi", "PXEClient"},
		{"uefi9", macUEFI9, uefiPXE(iana.EFI_BC), "ipxe.efi", "PXEClient"},
		{"httpboot", macHTTP, httpBoot(), "http://192.0.2.1:8080/boot-files/ipxe.efi", "HTTPClient"},
		{"ipxe175", macIPXE, ipxeOpt175(), "http://192.0.2.1:8080/boot/52:54:00:00:00:05.ipxe", "PXEClient"},
		{"ipxeuserclass", macIPXEUC, ipxeUserClass(), "http://192.0.2.1:8080/boot/52:54:00:00:00:06.ipxe", "PXEClient"},
		{"arm64", macARM, armPXE(iana.EFI_ARM64), "ipxe-arm64.efi", "PXEClient"},
		{"os", macOS, nil, "", ""},
		{"uefi6", macIA32, uefiPXE(iana.EFI_IA32), "ipxe.efi", "PXEClient"},
		{"arm32", macARM32, armPXE(iana.EFI_ARM32), "ipxe-arm64.efi", "PXEClient"},
	}
}

// The UEFI binary chosen in Files.UEFI (snponly.efi) is what option 93 =
// 6, 7 and 9 get over TFTP and what the default HTTP boot URL (16) names;
// BIOS and ARM keep theirs.
func TestUEFIBinaryChoice(t *testing.T) {
	cfg := testConfig()
	cfg.Files.UEFI = "snponly.efi"
	h := newTestHandler(t, cfg)
	for _, c := range []struct {
		mac  net.HardwareAddr
		mods []dhcpv4.Modifier
		file string
		vc   string
	}{
		{macIA32, uefiPXE(iana.EFI_IA32), "snponly.efi", "PXEClient"},
		{macUEFI7, uefiPXE(iana.EFI_X86_64), "snponly.efi", "PXEClient"},
		{macUEFI9, uefiPXE(iana.EFI_BC), "snponly.efi", "PXEClient"},
		{macHTTP, httpBoot(), "http://192.0.2.1:8080/boot-files/snponly.efi", "HTTPClient"},
		{macBIOS, biosPXE(), "undionly.kpxe", "PXEClient"},
		{macARM32, armPXE(iana.EFI_ARM32), "ipxe-arm64.efi", "PXEClient"},
	} {
		offer := h.Handle(bg, discover(t, c.mac, c.mods...), ServerPort)
		if offer == nil {
			t.Fatalf("%s: no offer", c.mac)
		}
		checkBoot(t, offer, c.file, c.vc)
	}
}

// Each firmware gets its own boot file; every PXEClient reply carries
// option 43 with discovery control 8; iPXE-capable ones get 175.176 = 1.
func TestFirmwareBootFiles(t *testing.T) {
	h := newTestHandler(t, testConfig())
	var all strings.Builder
	for i, c := range fwCases() {
		t.Run(c.name, func(t *testing.T) {
			offer := h.Handle(bg, discover(t, c.mac, c.mods...), ServerPort)
			if offer == nil {
				t.Fatal("no offer")
			}
			checkBoot(t, offer, c.file, c.vc)
			want := netip.AddrFrom4([4]byte{192, 0, 2, byte(11 + i)})
			if got, _ := netip.AddrFromSlice(offer.YourIPAddr.To4()); got != want {
				t.Errorf("yiaddr = %s, want %s", offer.YourIPAddr, want)
			}
			fmt.Fprintf(&all, "== %s\n%s\n", c.name, offer.Summary())
		})
	}
	golden(t, "offers.golden", all.String())
}

func checkBoot(t *testing.T, m *dhcpv4.DHCPv4, file, vc string) {
	t.Helper()
	if m.BootFileName != file {
		t.Errorf("boot file = %q, want %q", m.BootFileName, file)
	}
	if file != "" && !m.ServerIPAddr.Equal(net.IPv4(192, 0, 2, 1)) {
		t.Errorf("siaddr = %s, want 192.0.2.1", m.ServerIPAddr)
	}
	if got := m.ClassIdentifier(); got != vc {
		t.Errorf("option 60 = %q, want %q", got, vc)
	}
	o43 := m.Options.Get(dhcpv4.OptionVendorSpecificInformation)
	if vc == "PXEClient" && !bytes.Equal(o43, []byte{6, 1, 8, 255}) {
		t.Errorf("option 43 = %v, want sub-option 6 = 8", o43)
	}
	if vc != "PXEClient" && o43 != nil {
		t.Errorf("option 43 sent without PXEClient: %v", o43)
	}
	o175 := m.Options.Get(dhcpv4.GenericOptionCode(175))
	if vc == "PXEClient" && !bytes.Equal(o175, []byte{176, 1, 1}) {
		t.Errorf("option 175 = %v, want 176=1 (no-pxedhcp)", o175)
	}
}

func TestDORA(t *testing.T) {
	h := newTestHandler(t, testConfig())
	offer := h.Handle(bg, discover(t, macBIOS, biosPXE()...), ServerPort)
	req, err := dhcpv4.NewRequestFromOffer(offer, biosPXE()...)
	if err != nil {
		t.Fatal(err)
	}
	ack := h.Handle(bg, req, ServerPort)
	if ack == nil || ack.MessageType() != dhcpv4.MessageTypeAck {
		t.Fatalf("want ACK, got %v", ack)
	}
	if !ack.YourIPAddr.Equal(net.IPv4(192, 0, 2, 11)) || ack.HostName() != "host-a" ||
		ack.SubnetMask().String() != "ffffff00" || !ack.Router()[0].Equal(net.IPv4(192, 0, 2, 254)) ||
		!ack.DNS()[0].Equal(net.IPv4(192, 0, 2, 53)) || ack.IPAddressLeaseTime(0) != time.Hour {
		t.Errorf("ACK lacks the reservation: %s", ack.Summary())
	}
	checkBoot(t, ack, "undionly.kpxe", "PXEClient")

	// Asking for another address is refused.
	bad, _ := dhcpv4.NewRequestFromOffer(offer, dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 0, 2, 99))))
	if nak := h.Handle(bg, bad, ServerPort); nak == nil || nak.MessageType() != dhcpv4.MessageTypeNak {
		t.Errorf("want NAK for a wrong address, got %v", nak)
	}
	// A request for another server is not ours to answer.
	other, _ := dhcpv4.NewRequestFromOffer(offer, dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 7))))
	if r := h.Handle(bg, other, ServerPort); r != nil {
		t.Errorf("answered a request for another server: %s", r.Summary())
	}
}

func TestUnknownMACIgnored(t *testing.T) {
	h := newTestHandler(t, testConfig())
	if r := h.Handle(bg, discover(t, macUnknown, biosPXE()...), ServerPort); r != nil {
		t.Errorf("answered an unknown MAC without discovery: %s", r.Summary())
	}
}

func TestDiscoveryPool(t *testing.T) {
	cfg := testConfig()
	cfg.Discovery = &Pool{Start: netip.MustParseAddr("192.0.2.200"), End: netip.MustParseAddr("192.0.2.203"), PrefixLen: 24, LeaseTime: time.Minute}
	h := newTestHandler(t, cfg)
	offer := h.Handle(bg, discover(t, macUnknown, ipxeOpt175()...), ServerPort)
	if offer == nil {
		t.Fatal("no offer from the discovery pool")
	}
	ip, _ := netip.AddrFromSlice(offer.YourIPAddr.To4())
	if ip.Less(cfg.Discovery.Start) || cfg.Discovery.End.Less(ip) {
		t.Errorf("offered %s outside the pool", ip)
	}
	if offer.IPAddressLeaseTime(0) != time.Minute {
		t.Errorf("pool lease time = %s", offer.IPAddressLeaseTime(0))
	}
	checkBoot(t, offer, "http://192.0.2.1:8080/boot/52:54:00:99:99:99.ipxe", "PXEClient")
	// The same MAC gets the same address again; a second server with the
	// same configuration offers the same.
	again := h.Handle(bg, discover(t, macUnknown), ServerPort)
	h2 := newTestHandler(t, cfg)
	other := h2.Handle(bg, discover(t, macUnknown), ServerPort)
	if !again.YourIPAddr.Equal(offer.YourIPAddr) || !other.YourIPAddr.Equal(offer.YourIPAddr) {
		t.Errorf("offers differ: %s %s %s", offer.YourIPAddr, again.YourIPAddr, other.YourIPAddr)
	}
	// Four addresses: four more MACs exhaust the pool and the fifth is refused.
	seen := map[string]bool{offer.YourIPAddr.String(): true}
	for i := 1; i <= 4; i++ {
		r := h.Handle(bg, discover(t, net.HardwareAddr{2, 0, 0, 0, 0, byte(i)}), ServerPort)
		if i < 4 {
			if r == nil || seen[r.YourIPAddr.String()] {
				t.Fatalf("mac %d: offer %v, already seen %v", i, r, seen)
			}
			seen[r.YourIPAddr.String()] = true
		} else if r != nil {
			t.Errorf("pool of 4 offered a fifth address %s", r.YourIPAddr)
		}
	}
	// A rebooting client (no server identifier) we hold no lease for is
	// left to whichever server has one; the client holding its lease is
	// acknowledged.
	stranger, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithHwAddr(net.HardwareAddr{2, 9, 9, 9, 9, 9}),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(10, 1, 2, 3))))
	if r := h.Handle(bg, stranger, ServerPort); r != nil {
		t.Errorf("answered a rebooting client we have no lease for: %s", r.Summary())
	}
	reboot, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithHwAddr(macUnknown),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(offer.YourIPAddr)))
	if r := h.Handle(bg, reboot, ServerPort); r == nil || r.MessageType() != dhcpv4.MessageTypeAck {
		t.Errorf("rebooting pool client not acknowledged: %v", r)
	}
	// An INFORM takes no address from the pool.
	inform, _ := dhcpv4.NewInform(net.HardwareAddr{2, 8, 8, 8, 8, 8}, net.IPv4(192, 0, 2, 77))
	if r := h.Handle(bg, inform, ServerPort); r == nil || r.MessageType() != dhcpv4.MessageTypeAck || !r.YourIPAddr.IsUnspecified() {
		t.Errorf("inform: %v", r)
	}
	// A release frees an address for the waiting MAC.
	rel, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeRelease), dhcpv4.WithHwAddr(macUnknown), dhcpv4.WithClientIP(offer.YourIPAddr))
	h.Handle(bg, rel, ServerPort)
	if r := h.Handle(bg, discover(t, net.HardwareAddr{2, 0, 0, 0, 0, 4}), ServerPort); r == nil || !r.YourIPAddr.Equal(offer.YourIPAddr) {
		t.Errorf("released address not reused: %v", r)
	}
}

func TestProxyMode(t *testing.T) {
	cfg := testConfig()
	cfg.Mode = ModeProxy
	h := newTestHandler(t, cfg)
	offer := h.Handle(bg, discover(t, macUEFI7, uefiPXE(iana.EFI_X86_64)...), ServerPort)
	if offer == nil {
		t.Fatal("no proxy offer")
	}
	if !offer.YourIPAddr.IsUnspecified() || offer.Options.Has(dhcpv4.OptionIPAddressLeaseTime) {
		t.Errorf("proxyDHCP offered an address: %s", offer.Summary())
	}
	checkBoot(t, offer, "ipxe.efi", "PXEClient")
	// Not a PXE client: the network's DHCP server answers it, not us.
	if r := h.Handle(bg, discover(t, macOS), ServerPort); r != nil {
		t.Errorf("proxy answered a non-PXE client: %s", r.Summary())
	}
	// Port 4011 request gets an ACK with boot options only.
	req, _ := dhcpv4.NewRequestFromOffer(offer, append(uefiPXE(iana.EFI_X86_64), dhcpv4.WithClientIP(net.IPv4(192, 0, 2, 12)))...)
	ack := h.Handle(bg, req, PXEProxyPort)
	if ack == nil || ack.MessageType() != dhcpv4.MessageTypeAck || !ack.YourIPAddr.IsUnspecified() {
		t.Fatalf("want address-less ACK on 4011, got %v", ack)
	}
	checkBoot(t, ack, "ipxe.efi", "PXEClient")
	// The same request on 67 belongs to the network's DHCP server.
	if r := h.Handle(bg, req, ServerPort); r != nil {
		t.Errorf("proxy answered a request on 67: %s", r.Summary())
	}
}

func TestReplyAddr(t *testing.T) {
	h := newTestHandler(t, testConfig())
	req := discover(t, macBIOS, biosPXE()...)
	resp := h.Handle(bg, req, ServerPort)
	if got := ReplyAddr(req, resp, &net.UDPAddr{IP: net.IPv4zero, Port: 68}, ServerPort); got.String() != "255.255.255.255:68" {
		t.Errorf("unaddressed client: reply to %s", got)
	}
	relayed := discover(t, macBIOS, append(biosPXE(), dhcpv4.WithGatewayIP(net.IPv4(10, 5, 0, 1)))...)
	resp = h.Handle(bg, relayed, ServerPort)
	if !resp.GatewayIPAddr.Equal(net.IPv4(10, 5, 0, 1)) {
		t.Errorf("reply lost giaddr: %s", resp.GatewayIPAddr)
	}
	if got := ReplyAddr(relayed, resp, &net.UDPAddr{IP: net.IPv4(10, 5, 0, 1), Port: 67}, ServerPort); got.String() != "10.5.0.1:67" {
		t.Errorf("relayed: reply to %s, want the relay's port 67", got)
	}
	renew := discover(t, macBIOS, dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithClientIP(net.IPv4(192, 0, 2, 11)))
	resp = h.Handle(bg, renew, ServerPort)
	if got := ReplyAddr(renew, resp, &net.UDPAddr{IP: net.IPv4(192, 0, 2, 11), Port: 68}, ServerPort); got.String() != "192.0.2.11:68" {
		t.Errorf("renewing client: reply to %s, want ciaddr", got)
	}
}

func TestMalformed(t *testing.T) {
	h := newTestHandler(t, testConfig())
	good := discover(t, macBIOS, biosPXE()...).ToBytes()
	cases := map[string][]byte{
		"truncated header": good[:100],
		"no magic cookie":  append(append([]byte{}, good[:236]...), 1, 2, 3, 4, 255),
		"oversized":        append(append([]byte{}, good...), make([]byte, MaxPacket)...),
		"reply opcode":     func() []byte { b := append([]byte{}, good...); b[0] = 2; return b }(),
		"hlen 16":          func() []byte { b := append([]byte{}, good...); b[2] = 16; return b }(),
		"option overrun":   append(append([]byte{}, good[:240]...), 53, 200, 1),
		"no message type": func() []byte {
			m := discover(t, macBIOS)
			m.Options.Del(dhcpv4.OptionDHCPMessageType)
			return m.ToBytes()
		}(),
		"bad server id len": func() []byte {
			m := discover(t, macBIOS)
			m.Options.Update(dhcpv4.OptGeneric(dhcpv4.OptionServerIdentifier, []byte{1}))
			return m.ToBytes()
		}(),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := Parse(b)
			if err == nil {
				if r := h.Handle(bg, m, ServerPort); r != nil {
					t.Fatalf("answered a malformed packet: %s", r.Summary())
				}
				t.Fatalf("Parse accepted it")
			}
			t.Logf("rejected: %v", err)
		})
	}
}

// Two servers built from the same inventory answer byte for byte alike.
func TestDeterministic(t *testing.T) {
	a, b := newTestHandler(t, testConfig()), newTestHandler(t, testConfig())
	for _, c := range fwCases() {
		req := discover(t, c.mac, c.mods...)
		ra, rb := a.Handle(bg, req, ServerPort), b.Handle(bg, req, ServerPort)
		if ra == nil || rb == nil || !bytes.Equal(ra.ToBytes(), rb.ToBytes()) {
			t.Errorf("%s: replies differ:\n%v\n%v", c.name, ra, rb)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	pool := func(start, end string, bits int) *Pool {
		return &Pool{Start: netip.MustParseAddr(start), End: netip.MustParseAddr(end), PrefixLen: bits}
	}
	cases := map[string]func(c *Config){
		"mode":             func(c *Config) { c.Mode = "dhcp" },
		"server_ip":        func(c *Config) { c.ServerIP = netip.Addr{} },
		"boot_url":         func(c *Config) { c.BootURL = "192.0.2.1:8080" },
		"files.http_boot":  func(c *Config) { c.Files.HTTPBoot = "tftp://x/ipxe.efi" },
		"lease_time":       func(c *Config) { c.LeaseTime = time.Second },
		"discovery.range":  func(c *Config) { c.Discovery = pool("192.0.2.0", "192.0.2.9", 24) },
		"discovery.range ": func(c *Config) { c.Discovery = pool("192.0.2.200", "192.0.3.9", 24) },
		"discovery.prefix": func(c *Config) { c.Discovery = pool("192.0.2.200", "192.0.2.209", 31) },
		"discovery.lease_t": func(c *Config) {
			c.Discovery = pool("192.0.2.200", "192.0.2.209", 24)
			c.Discovery.LeaseTime = time.Second
		},
	}
	for field, edit := range cases {
		cfg := testConfig()
		edit(&cfg)
		err := cfg.Validate()
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), strings.TrimSpace(field)) {
			t.Errorf("%s: got %v", field, err)
		}
		if _, err := NewHandler(cfg, testTable(t), nil); err == nil {
			t.Errorf("%s: NewHandler accepted the configuration", field)
		}
	}
	if err := testConfig().Validate(); err != nil {
		t.Errorf("valid configuration refused: %v", err)
	}
}

// proxyDHCP offers for every PXE firmware, as golden bytes-level summaries.
func TestProxyOffersGolden(t *testing.T) {
	cfg := testConfig()
	cfg.Mode = ModeProxy
	h := newTestHandler(t, cfg)
	var all strings.Builder
	for _, c := range fwCases() {
		offer := h.Handle(bg, discover(t, c.mac, c.mods...), ServerPort)
		if c.name == "os" {
			if offer != nil {
				t.Errorf("proxy answered a client that is not network booting")
			}
			continue
		}
		if offer == nil {
			t.Fatalf("%s: no proxy offer", c.name)
		}
		checkBoot(t, offer, c.file, c.vc)
		fmt.Fprintf(&all, "== %s\n%s\n", c.name, offer.Summary())
	}
	golden(t, "proxy_offers.golden", all.String())
}
