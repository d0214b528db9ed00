package dhcpload

import (
	"context"
	"log/slog"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/hosts"
	"github.com/racksmith/racksmith/pxe/nstest"
)

// The generator completes real exchanges against racksmith's DHCP server
// across a veth, gets the reserved addresses (no NAK, no timeout), and
// measures both halves.
func TestGeneratorAgainstServer(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("load"))
	hs, err := Hosts(50, netip.MustParseAddr("192.0.2.10"))
	if err != nil {
		t.Fatal(err)
	}
	srv := ns.Addr.Addr()
	inv := &inventory.Inventory{Sites: []*inventory.Site{{Name: "b", Network: inventory.Network{
		Prefix: ns.Addr.Masked(), BootServer: srv, BootURL: "http://" + srv.String(),
	}}}}
	for i, h := range hs {
		inv.Servers = append(inv.Servers, &inventory.Server{Name: "h" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Site: "b",
			Address: netip.PrefixFrom(h.IP, 24), NICs: []inventory.NIC{{MAC: h.MAC.String(), Purpose: "provisioning"}}})
	}
	tab, err := hosts.Build(inv, "b")
	if err != nil {
		t.Fatal(err)
	}
	h, err := dhcp.NewHandler(dhcp.Config{ServerIP: srv, BootURL: "http://" + srv.String()}, tab, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var s *dhcp.Server
	var g *Generator
	ns.Run(t, func() {
		if s, err = dhcp.NewServer(ns.Bridge, h); err != nil {
			t.Fatal(err)
		}
	})
	ns.Peer.Run(t, func() {
		if g, err = Open(ns.PeerIf); err != nil {
			t.Fatal(err)
		}
	})
	defer g.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Serve(ctx)

	r, err := g.Run(ctx, Config{Hosts: hs, ServerIP: srv, Concurrency: 4, Duration: 2 * time.Second, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d exchanges in %s (%.0f/s), offer p50 %s, ack p50 %s", r.Exchanges, r.Elapsed, r.Rate(), Quantile(r.Offer, .5), Quantile(r.Ack, .5))
	if r.Exchanges < 20 || r.Naks != 0 || r.Timeouts != 0 || len(r.Ack) != r.Exchanges {
		t.Errorf("exchanges %d, naks %d, timeouts %d", r.Exchanges, r.Naks, r.Timeouts)
	}
}

func TestMessageType(t *testing.T) {
	m, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithOption(dhcpv4.OptHostName("x")))
	if got := messageType(m.ToBytes()[240:]); got != dhcpv4.MessageTypeAck {
		t.Errorf("got %v", got)
	}
	if got := messageType([]byte{0, 12, 200}); got != dhcpv4.MessageTypeNone {
		t.Errorf("truncated options: got %v", got)
	}
}

func TestProcessCPU(t *testing.T) {
	before, err := ProcessCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(60 * time.Millisecond); time.Now().Before(end); {
	}
	after, _ := ProcessCPU(os.Getpid())
	if after < before || after-before > time.Second {
		t.Errorf("CPU went from %s to %s while spinning 60ms", before, after)
	}
	a, err := MachineCPU()
	if err != nil || a.Total == 0 {
		t.Fatalf("%+v %v", a, err)
	}
}
