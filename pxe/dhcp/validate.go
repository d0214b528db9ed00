package dhcp

import (
	"fmt"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// MaxPacket is the largest DHCP packet accepted. RFC 2131 clients must
// accept 576 bytes; larger messages need option 57 and fit an Ethernet
// frame. Anything bigger is dropped as oversized.
const MaxPacket = 1500

// Parse decodes a packet received from the network and checks the fields
// the handler relies on; errors wrap ErrMalformed and name the field.
func Parse(b []byte) (*dhcpv4.DHCPv4, error) {
	if len(b) > MaxPacket {
		return nil, fmt.Errorf("%w: length %d exceeds %d bytes", ErrMalformed, len(b), MaxPacket)
	}
	m, err := dhcpv4.FromBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: length %d: %w", ErrMalformed, len(b), err)
	}
	if err := Validate(m); err != nil {
		return m, err
	}
	return m, nil
}

// Validate checks the fields of a decoded request the handler relies on.
func Validate(m *dhcpv4.DHCPv4) error {
	switch {
	case m.OpCode != dhcpv4.OpcodeBootRequest:
		return fmt.Errorf("%w: op: %d is not BOOTREQUEST", ErrMalformed, m.OpCode)
	case m.HWType != iana.HWTypeEthernet:
		return fmt.Errorf("%w: htype: %d is not Ethernet", ErrMalformed, m.HWType)
	case len(m.ClientHWAddr) != 6:
		return fmt.Errorf("%w: hlen: %d is not 6", ErrMalformed, len(m.ClientHWAddr))
	}
	mt := m.Options.Get(dhcpv4.OptionDHCPMessageType)
	if len(mt) != 1 || mt[0] < 1 || mt[0] > 18 {
		return fmt.Errorf("%w: option 53 (message type): %v", ErrMalformed, mt)
	}
	for _, code := range []dhcpv4.OptionCode{dhcpv4.OptionServerIdentifier, dhcpv4.OptionRequestedIPAddress} {
		if v := m.Options.Get(code); v != nil && len(v) != 4 {
			return fmt.Errorf("%w: option %d (%s): length %d is not 4", ErrMalformed, code.Code(), code, len(v))
		}
	}
	if v := m.Options.Get(dhcpv4.OptionClientSystemArchitectureType); v != nil && (len(v) == 0 || len(v)%2 != 0) {
		return fmt.Errorf("%w: option 93 (client architecture): length %d is not a multiple of 2", ErrMalformed, len(v))
	}
	return nil
}
