// Package dhcpload is a DHCPv4 load generator for comparing DHCP servers:
// closed-loop workers each run DISCOVER/OFFER then REQUEST/ACK exchanges
// for hosts with reservations, over a raw packet socket (so replies sent
// to a client MAC or to broadcast are both seen), with the BOOTP broadcast
// flag set. It records the latency of each half and counts timeouts.
package dhcpload

import (
	"fmt"
	"net"
	"net/netip"
)

// Host is one reserved client.
type Host struct {
	MAC net.HardwareAddr
	IP  netip.Addr
}

// Hosts returns n hosts with locally administered MACs 02:00:00:00:hi:lo
// and addresses counted up from first.
func Hosts(n int, first netip.Addr) ([]Host, error) {
	if n < 1 || n > 60000 {
		return nil, fmt.Errorf("dhcpload: %d hosts: want 1..60000", n)
	}
	hs := make([]Host, n)
	ip := first
	for i := range hs {
		hs[i] = Host{MAC: net.HardwareAddr{2, 0, 0, 0, byte(i >> 8), byte(i)}, IP: ip}
		ip = ip.Next()
		if b := ip.As4(); b[3] == 0 || b[3] == 255 {
			ip = ip.Next()
		}
	}
	return hs, nil
}
