package nstest

import (
	"net"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A datagram sent from the peer namespace crosses the veth and the bridge
// and reaches a socket opened in the server namespace; the namespaces are
// gone after cleanup.
func TestNamespacesLinked(t *testing.T) {
	var names []string
	t.Run("linked", func(t *testing.T) {
		ns := New(t, WithArea("nstest"), WithPeerAddr(netip.MustParsePrefix("192.0.2.9/24")))
		names = []string{ns.Name, ns.Peer.Name}
		if len(ns.PeerMAC) != 6 {
			t.Fatalf("peer MAC %v", ns.PeerMAC)
		}
		var srv *net.UDPConn
		ns.Run(t, func() {
			var err error
			srv, err = net.ListenUDP("udp4", &net.UDPAddr{IP: ns.Addr.Addr().AsSlice(), Port: 9999})
			if err != nil {
				t.Fatal(err)
			}
		})
		defer srv.Close()
		ns.Peer.Run(t, func() {
			c, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: ns.Addr.Addr().AsSlice(), Port: 9999})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
		})
		srv.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 16)
		n, from, err := srv.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("nothing crossed the veth: %v", err)
		}
		if string(buf[:n]) != "hello" || !from.IP.Equal(net.ParseIP("192.0.2.9")) {
			t.Errorf("got %q from %v", buf[:n], from)
		}
		// The bridge's veth end lives in the namespace, not in the test's own.
		if _, err := net.InterfaceByName("vb0"); err == nil {
			t.Errorf("vb0 visible outside the namespace")
		}
		ns.Run(t, func() {
			if _, err := net.InterfaceByName("vb0"); err != nil {
				t.Errorf("vb0 not in the namespace: %v", err)
			}
		})
	})
	out, err := exec.Command("ip", "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.Contains(string(out), n) {
			t.Errorf("namespace %s left behind after cleanup", n)
		}
	}
}
