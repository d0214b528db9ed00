package dhcp

import (
	"context"
	"net"

	"github.com/racksmith/racksmith/pxe/hosts"
)

// Reservation is one host's fixed address and boot server: the host table's
// entry (see package hosts).
type Reservation = hosts.Reservation

// Backend tells the DHCP handler what it knows of a MAC. Lookup returns
// (nil, nil) for a MAC it does not know; an error means it could not tell
// (the packet is then dropped, not answered as unknown). It is called for
// every packet and must be safe for concurrent use.
type Backend interface {
	Lookup(ctx context.Context, mac net.HardwareAddr) (*Reservation, error)
}

var _ Backend = (*hosts.Table)(nil)
