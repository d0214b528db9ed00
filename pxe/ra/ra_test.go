package ra

import (
	"bytes"
	"context"
	"encoding/hex"
	"flag"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv6"

	"github.com/racksmith/racksmith/pxe/nstest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func TestMessageGolden(t *testing.T) {
	mac, _ := net.ParseMAC("52:54:00:12:34:56")
	var got strings.Builder
	for _, cfg := range []Config{{}, {Prefixes: []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/64")}}} {
		m := Message(cfg, mac)
		if lt, ok := RouterLifetime(m); !ok || lt != 0 {
			t.Errorf("router lifetime %s, ok %v: must be 0", lt, ok)
		}
		got.WriteString(hex.Dump(m) + "\n")
	}
	path := filepath.Join("testdata", "ra.golden")
	if *update {
		os.WriteFile(path, []byte(got.String()), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil || got.String() != string(want) {
		t.Errorf("messages differ from %s (rerun with -update if intended): %v\n%s", path, err, got.String())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Interval: time.Millisecond},
		{Prefixes: []netip.Prefix{netip.MustParsePrefix("2001:db8::/48")}},
		{Prefixes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}},
		{PrefixValid: time.Minute, PrefixPreferred: time.Hour},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func advertise(t *testing.T, ns *nstest.NS, cfg Config) {
	t.Helper()
	var a *Advertiser
	ns.Run(t, func() {
		var err error
		if a, err = New(ns.Bridge, cfg, slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))); err != nil {
			t.Fatal(err)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// A host on the link solicits and gets, at once, an advertisement from the
// bridge's link-local address with hop limit 255, router lifetime 0 and
// the bridge's MAC.
func TestSolicitedAdvertisement(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("ra"))
	var conn *icmp.PacketConn
	ns.Peer.Run(t, func() {
		var err error
		if conn, err = icmp.ListenPacket("ip6:ipv6-icmp", "::"); err != nil {
			t.Fatal(err)
		}
	})
	defer conn.Close()
	pc := conn.IPv6PacketConn()
	pc.SetControlMessage(ipv6.FlagHopLimit, true)
	var f ipv6.ICMPFilter
	f.SetAll(true)
	f.Accept(ipv6.ICMPTypeRouterAdvertisement)
	pc.SetICMPFilter(&f)
	var bridgeMAC net.HardwareAddr
	ns.Run(t, func() {
		ifi, err := net.InterfaceByName(ns.Bridge)
		if err != nil {
			t.Fatal(err)
		}
		bridgeMAC = ifi.HardwareAddr
	})

	advertise(t, ns, Config{Interval: 30 * time.Minute})
	read := func(within time.Duration) ([]byte, *ipv6.ControlMessage, net.Addr) {
		t.Helper()
		buf := make([]byte, 1500)
		conn.SetReadDeadline(time.Now().Add(within))
		n, cm, src, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("no router advertisement within %s: %v", within, err)
		}
		return buf[:n], cm, src
	}
	read(5 * time.Second) // the one sent at start

	peerIf, err := func() (ifi *net.Interface, err error) {
		ns.Peer.Run(t, func() { ifi, err = net.InterfaceByName(ns.PeerIf) })
		return
	}()
	if err != nil {
		t.Fatal(err)
	}
	pc.SetMulticastInterface(peerIf)
	pc.SetMulticastHopLimit(255)
	rs := []byte{typeRouterSolicitation, 0, 0, 0, 0, 0, 0, 0}
	start := time.Now()
	ns.Peer.Run(t, func() { // zone by index: Go caches zone names across namespaces
		if _, err := pc.WriteTo(rs, nil, &net.IPAddr{IP: net.ParseIP("ff02::2"), Zone: strconv.Itoa(peerIf.Index)}); err != nil {
			t.Fatal(err)
		}
	})
	m, cm, src := read(3 * time.Second)
	t.Logf("solicited advertisement after %s from %s", time.Since(start), src)
	if lt, ok := RouterLifetime(m); !ok || lt != 0 {
		t.Errorf("router lifetime %s (ok %v), want 0", lt, ok)
	}
	if ip := src.(*net.IPAddr).IP; !ip.IsLinkLocalUnicast() {
		t.Errorf("source %s is not link-local", ip)
	}
	if cm == nil || cm.HopLimit != 255 {
		t.Errorf("hop limit %v, want 255", cm)
	}
	if !bytes.Contains(m, append([]byte{optSourceLinkLayer, 1}, bridgeMAC...)) {
		t.Errorf("no source link-layer option with %s: % x", bridgeMAC, m)
	}
}

// The peer's kernel, acting on the advertisements: with a configured
// prefix it autoconfigures an address in it, and it never installs a
// default route (router lifetime 0).
func TestKernelHonoursAdvertisement(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("ra"))
	ns.Peer.Exec(t, "sysctl", "-q", "-w", "net.ipv6.conf."+ns.PeerIf+".accept_ra=1")
	advertise(t, ns, Config{Interval: time.Second, Prefixes: []netip.Prefix{netip.MustParsePrefix("2001:db8:77::/64")}})
	deadline := time.Now().Add(10 * time.Second)
	var addrs string
	for time.Now().Before(deadline) {
		addrs = ns.Peer.Exec(t, "ip", "-6", "addr", "show", "dev", ns.PeerIf)
		if strings.Contains(addrs, "2001:db8:77:") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(addrs, "2001:db8:77:") {
		t.Fatalf("peer did not autoconfigure from the advertised prefix:\n%s", addrs)
	}
	if routes := ns.Peer.Exec(t, "ip", "-6", "route", "show", "default"); strings.TrimSpace(routes) != "" {
		t.Errorf("peer installed a default route from a lifetime-0 advertisement: %s", routes)
	}
}

// With duplicate address detection on (as on a real provisioning bridge),
// the link-local address is tentative for a moment after the link comes
// up: New waits for it instead of failing.
func TestNewWaitsForTentativeLinkLocal(t *testing.T) {
	ns := nstest.New(t, nstest.WithArea("ra"))
	ns.Exec(t, "sysctl", "-q", "-w", "net.ipv6.conf."+ns.Bridge+".accept_dad=1", "net.ipv6.conf."+ns.Bridge+".dad_transmits=1")
	ns.Exec(t, "ip", "link", "set", ns.Bridge, "down")
	ns.Exec(t, "ip", "link", "set", ns.Bridge, "up")
	ns.Run(t, func() {
		start := time.Now()
		a, err := New(ns.Bridge, Config{}, nil)
		if err != nil {
			t.Fatalf("New during DAD: %v", err)
		}
		a.conn.Close()
		t.Logf("bound after %s", time.Since(start).Round(time.Millisecond))
	})
}
