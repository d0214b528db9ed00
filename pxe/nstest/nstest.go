// Package nstest gives tests a throwaway network: a namespace holding a
// bridge with an address (where a server listens), and a second namespace
// at the other end of a veth enslaved to that bridge (where a client runs),
// so packets cross a real link. Everything is deleted by t.Cleanup. It
// needs root and iproute2, and fails the test loudly without them.
//
//	ns := nstest.New(t)
//	ns.Run(t, func() { conn = listen(ns.Bridge) })        // sockets in the server side
//	out := ns.Peer.Exec(t, "tftp", ns.Addr.Addr().String(), "-c", "get", "f")
package nstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// NS is a namespace with a bridge, and a peer namespace wired to it.
type NS struct {
	Netns               // the side holding the bridge
	Bridge string       // bridge device in Netns
	Addr   netip.Prefix // Bridge's address
	// Peer is the other namespace; PeerIf is its end of the veth, whose
	// other end is a port of Bridge. PeerIf has no IPv4 address unless
	// WithPeerAddr was given.
	Peer     Netns
	PeerIf   string
	PeerAddr netip.Prefix
	PeerMAC  net.HardwareAddr
}

// Defaults.
var (
	DefaultAddr = netip.MustParsePrefix("192.0.2.1/24")
)

// Option changes what New builds.
type Option func(*options)

type options struct {
	area     string
	addr     netip.Prefix
	peerAddr netip.Prefix
}

// WithArea puts area (e.g. "dhcp") in the namespace names, to tell whose
// namespace a leftover is.
func WithArea(area string) Option { return func(o *options) { o.area = area } }

// WithAddr sets the bridge's address (default 192.0.2.1/24).
func WithAddr(p netip.Prefix) Option { return func(o *options) { o.addr = p } }

// WithPeerAddr gives the peer's veth end an address.
func WithPeerAddr(p netip.Prefix) Option { return func(o *options) { o.peerAddr = p } }

// New creates the namespaces and links, registering their deletion with
// t.Cleanup. It fails t when not root or when iproute2 is missing (see
// RequireRoot for -short).
func New(t testing.TB, opts ...Option) *NS {
	t.Helper()
	RequireRoot(t)
	o := options{area: "nst", addr: DefaultAddr}
	for _, opt := range opts {
		opt(&o)
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("rs-%s-%s", o.area, hex.EncodeToString(suffix))
	ns := &NS{
		Netns:  Netns{Name: base},
		Bridge: "br0",
		Addr:   o.addr,
		Peer:   Netns{Name: base + "-p"},
		PeerIf: "eth0",
	}
	for _, n := range []Netns{ns.Netns, ns.Peer} {
		if out, err := exec.Command("ip", "netns", "add", n.Name).CombinedOutput(); err != nil {
			t.Fatalf("nstest: ip netns add %s: %v: %s", n.Name, err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("ip", "netns", "del", n.Name).CombinedOutput(); err != nil {
				t.Errorf("nstest: ip netns del %s: %v: %s", n.Name, err, out)
			}
		})
		// No duplicate address detection: link-local addresses are usable
		// at once (IPv6 router advertisements need one).
		n.Exec(t, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0")
		n.Exec(t, "ip", "link", "set", "lo", "up")
	}
	ns.Exec(t, "ip", "link", "add", ns.Bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0")
	ns.Exec(t, "ip", "addr", "add", o.addr.String(), "dev", ns.Bridge)
	ns.Exec(t, "ip", "link", "set", ns.Bridge, "up")
	ns.Exec(t, "ip", "link", "add", "vb0", "type", "veth", "peer", "name", ns.PeerIf, "netns", ns.Peer.Name)
	ns.Exec(t, "ip", "link", "set", "vb0", "master", ns.Bridge, "up")
	if o.peerAddr.IsValid() {
		ns.Peer.Exec(t, "ip", "addr", "add", o.peerAddr.String(), "dev", ns.PeerIf)
		ns.PeerAddr = o.peerAddr
	}
	ns.Peer.Exec(t, "ip", "link", "set", ns.PeerIf, "up")
	ns.Peer.Run(t, func() {
		ifc, err := net.InterfaceByName(ns.PeerIf)
		if err != nil {
			t.Fatalf("nstest: %s in %s: %v", ns.PeerIf, ns.Peer.Name, err)
		}
		ns.PeerMAC = ifc.HardwareAddr
	})
	return ns
}

// AddTap adds a tap device (for a QEMU VM) as a port of the bridge.
func (ns *NS) AddTap(t testing.TB, name string) {
	t.Helper()
	ns.Exec(t, "ip", "tuntap", "add", "dev", name, "mode", "tap")
	ns.Exec(t, "ip", "link", "set", name, "master", ns.Bridge, "up")
}

// RequireRoot fails t unless the test runs as root with iproute2 installed.
// Under -short (make test-short: "only the tests that need no root") it
// skips t instead, saying why; the full suite never skips.
func RequireRoot(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("nstest: needs root and network namespaces: not run with -short (make test runs it)")
	}
	if os.Geteuid() != 0 {
		t.Fatalf("nstest: this test creates network namespaces and needs root: run it as root (CI runs `make test` as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatalf("nstest: the `ip` command is missing: install iproute2 (scripts/apt-packages.txt, `make setup`)")
	}
}

// Command returns cmd prepared to run inside the namespace.
func (n Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Exec runs a command inside the namespace and returns its combined
// output; it fails t if the command fails.
func (n Netns) Exec(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := n.Command(context.Background(), name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("nstest: in %s: %s %s: %v\n%s", n.Name, name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
