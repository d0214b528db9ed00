package dhcp

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/insomniacslk/dhcp/iana"

	"github.com/racksmith/racksmith/pxe/nstest"
)

// serveIn runs a DHCP server with cfg on the namespace's bridge until the
// test ends.
func serveIn(t *testing.T, ns *nstest.NS, cfg Config) *Handler {
	t.Helper()
	h := newTestHandler(t, cfg)
	var srv *Server
	ns.Run(t, func() {
		var err error
		if srv, err = NewServer(ns.Bridge, h); err != nil {
			t.Fatal(err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Serve did not stop")
		}
	})
	return h
}

// client is a DHCP client on the peer's end of the veth, claiming mac.
func client(t *testing.T, ns *nstest.NS, mac net.HardwareAddr, timeout time.Duration) *nclient4.Client {
	t.Helper()
	var c *nclient4.Client
	ns.Peer.Run(t, func() {
		var err error
		c, err = nclient4.New(ns.PeerIf, nclient4.WithHWAddr(mac), nclient4.WithTimeout(timeout), nclient4.WithRetry(2))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// Each firmware completes DISCOVER/OFFER/REQUEST/ACK over the veth and gets
// its address and boot file.
func TestServeFirmwares(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("dhcp"))
	h := serveIn(t, ns, testConfig())
	for i, c := range fwCases() {
		t.Run(c.name, func(t *testing.T) {
			cl := client(t, ns, c.mac, 2*time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			lease, err := cl.Request(ctx, c.mods...)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []*dhcpv4.DHCPv4{lease.Offer, lease.ACK} {
				checkBoot(t, m, c.file, c.vc)
				if want := net.IPv4(192, 0, 2, byte(11+i)); !m.YourIPAddr.Equal(want) {
					t.Errorf("%s yiaddr = %s, want %s", m.MessageType(), m.YourIPAddr, want)
				}
			}
		})
	}
	if got := counterValue(t, h.Metrics().Packets.WithLabelValues("REQUEST", "ack")); got != float64(len(fwCases())) {
		t.Errorf("acks counted: %v, want %d", got, len(fwCases()))
	}
}

func TestServeUnknownAndDiscovery(t *testing.T) {
	t.Run("ignored", func(t *testing.T) {
		ns := nstest.New(t, nstest.WithArea("dhcp"))
		h := serveIn(t, ns, testConfig())
		cl := client(t, ns, macUnknown, 300*time.Millisecond)
		if offer, err := cl.DiscoverOffer(context.Background(), biosPXE()...); err == nil {
			t.Fatalf("unknown MAC got an offer: %s", offer.Summary())
		}
		ignored := h.Metrics().Packets.WithLabelValues("DISCOVER", string(ResultIgnoredUnknown))
		for deadline := time.Now().Add(3 * time.Second); counterValue(t, ignored) < 1 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if got := counterValue(t, ignored); got < 1 {
			t.Errorf("ignored discovers counted: %v", got)
		}
	})
	t.Run("discovery pool", func(t *testing.T) {
		ns := nstest.New(t, nstest.WithArea("dhcp"))
		cfg := testConfig()
		cfg.Discovery = &Pool{Start: netip.MustParseAddr("192.0.2.100"), End: netip.MustParseAddr("192.0.2.149"), PrefixLen: 24}
		serveIn(t, ns, cfg)
		cl := client(t, ns, macUnknown, 2*time.Second)
		lease, err := cl.Request(context.Background(), ipxeOpt175()...)
		if err != nil {
			t.Fatal(err)
		}
		ip, _ := netip.AddrFromSlice(lease.ACK.YourIPAddr.To4())
		if ip.Less(cfg.Discovery.Start) || cfg.Discovery.End.Less(ip) {
			t.Errorf("leased %s outside the pool", ip)
		}
		if lease.ACK.IPAddressLeaseTime(0) != DefaultPoolLeaseTime {
			t.Errorf("pool lease %s, want %s", lease.ACK.IPAddressLeaseTime(0), DefaultPoolLeaseTime)
		}
		checkBoot(t, lease.ACK, "http://192.0.2.1:8080/boot/52:54:00:99:99:99.ipxe", "PXEClient")
	})
}

// proxyDHCP: the offer on 67 has boot options and no address; the PXE
// client's unicast request on 4011 is answered back to it.
func TestServeProxy(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("dhcp"), nstest.WithPeerAddr(netip.MustParsePrefix("192.0.2.12/24")))
	cfg := testConfig()
	cfg.Mode = ModeProxy
	serveIn(t, ns, cfg)

	cl := client(t, ns, macUEFI7, time.Second)
	offer, err := cl.DiscoverOffer(context.Background(), uefiPXE(iana.EFI_X86_64)...)
	if err != nil {
		t.Fatal(err)
	}
	if !offer.YourIPAddr.IsUnspecified() {
		t.Errorf("proxy offered address %s", offer.YourIPAddr)
	}
	checkBoot(t, offer, "ipxe.efi", "PXEClient")

	// A client that is not PXE booting gets nothing from a proxy.
	plain := client(t, ns, macOS, 300*time.Millisecond)
	if o, err := plain.DiscoverOffer(context.Background()); err == nil {
		t.Errorf("proxy answered a non-PXE client: %s", o.Summary())
	}

	req, _ := dhcpv4.NewRequestFromOffer(offer, append(uefiPXE(iana.EFI_X86_64), dhcpv4.WithClientIP(net.IPv4(192, 0, 2, 12)))...)
	ack := exchange(t, ns, &net.UDPAddr{IP: net.IPv4(192, 0, 2, 12), Port: 68}, &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: PXEProxyPort}, req.ToBytes(), 5*time.Second)
	if ack == nil || ack.MessageType() != dhcpv4.MessageTypeAck || !ack.YourIPAddr.IsUnspecified() {
		t.Fatalf("want an address-less ACK from port 4011, got %v", ack)
	}
	checkBoot(t, ack, "ipxe.efi", "PXEClient")
}

// A relay agent (giaddr set) gets the reply on its own port 67; malformed
// packets on the wire are dropped and counted and the server keeps serving.
func TestServeRelayAndGarbage(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("dhcp"), nstest.WithPeerAddr(netip.MustParsePrefix("192.0.2.9/24")))
	h := serveIn(t, ns, testConfig())
	relay := &net.UDPAddr{IP: net.IPv4(192, 0, 2, 9), Port: ServerPort}
	server := &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: ServerPort}

	for _, junk := range [][]byte{{1, 2, 3}, make([]byte, 300), make([]byte, 1400)} {
		if r := exchange(t, ns, relay, server, junk, 300*time.Millisecond); r != nil {
			t.Fatalf("answered garbage: %s", r.Summary())
		}
	}
	req := discover(t, macBIOS, append(biosPXE(), dhcpv4.WithGatewayIP(relay.IP), dhcpv4.WithBroadcast(false))...)
	offer := exchange(t, ns, relay, server, req.ToBytes(), 5*time.Second)
	if offer == nil {
		t.Fatal("relay got no offer on port 67")
	}
	if !offer.GatewayIPAddr.Equal(relay.IP) || !offer.YourIPAddr.Equal(net.IPv4(192, 0, 2, 11)) {
		t.Errorf("relayed offer: %s", offer.Summary())
	}
	checkBoot(t, offer, "undionly.kpxe", "PXEClient")
	// Two readers share the socket: the last garbage may be counted just after the offer went out.
	malformed := h.Metrics().Packets.WithLabelValues("none", string(ResultMalformed))
	for deadline := time.Now().Add(3 * time.Second); counterValue(t, malformed) < 3 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if got := counterValue(t, malformed); got != 3 {
		t.Errorf("malformed packets counted: %v, want 3", got)
	}
}

// exchange sends b from local to remote inside the peer namespace and
// returns the DHCP reply received on local, or nil after waiting wait.
func exchange(t *testing.T, ns *nstest.NS, local, remote *net.UDPAddr, b []byte, wait time.Duration) *dhcpv4.DHCPv4 {
	t.Helper()
	var conn *net.UDPConn
	ns.Peer.Run(t, func() {
		var err error
		if conn, err = net.ListenUDP("udp4", local); err != nil {
			t.Fatal(err)
		}
	})
	defer conn.Close()
	if _, err := conn.WriteToUDP(b, remote); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 1500)
	n, _, err := conn.ReadFromUDP(buf)
	if err != nil {
		return nil
	}
	m, err := dhcpv4.FromBytes(buf[:n])
	if err != nil {
		t.Fatalf("reply does not parse: %v", err)
	}
	return m
}
