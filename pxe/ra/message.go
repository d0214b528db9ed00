// Package ra sends IPv6 router advertisements on the provisioning
// interface. Their only purpose is to end iPXE's wait for one (~15 s before
// it uses its DHCPv4 lease): the router lifetime is always 0 (this is not a
// default router), the managed/other flags are off, and no prefix is
// advertised unless configured for SLAAC.
package ra

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// Config is what the advertisements carry and how often they go out.
type Config struct {
	// Interval between unsolicited advertisements; default 10 s.
	// Solicitations are answered at once.
	Interval time.Duration
	// Prefixes advertised on-link and for SLAAC (each must be a /64);
	// default none.
	Prefixes []netip.Prefix
	// PrefixValid and PrefixPreferred lifetimes; default 1 h and 30 min.
	PrefixValid, PrefixPreferred time.Duration
}

func (c Config) withDefaults() Config {
	if c.Interval == 0 {
		c.Interval = 10 * time.Second
	}
	if c.PrefixValid == 0 {
		c.PrefixValid = time.Hour
	}
	if c.PrefixPreferred == 0 {
		c.PrefixPreferred = 30 * time.Minute
	}
	return c
}

// Validate names the first field that is wrong.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.Interval < time.Second || c.Interval > 1800*time.Second {
		return fmt.Errorf("%w: interval: %s is outside 1s..30m", ErrConfig, c.Interval)
	}
	for _, p := range c.Prefixes {
		if !p.Addr().Is6() || p.Addr().Is4In6() || p.Bits() != 64 {
			return fmt.Errorf("%w: prefixes: %s is not an IPv6 /64 (SLAAC needs one)", ErrConfig, p)
		}
	}
	if c.PrefixPreferred > c.PrefixValid {
		return fmt.Errorf("%w: prefix_preferred: %s exceeds prefix_valid %s", ErrConfig, c.PrefixPreferred, c.PrefixValid)
	}
	return nil
}

// ICMPv6 router advertisement layout (RFC 4861 4.2, 4.6).
const (
	typeRouterAdvertisement = 134
	typeRouterSolicitation  = 133
	optSourceLinkLayer      = 1
	optPrefixInformation    = 3
	prefixFlagOnLink        = 0x80
	prefixFlagAutonomous    = 0x40
	curHopLimit             = 64
)

// Message is the router advertisement from an interface with MAC mac: the
// ICMPv6 message with its checksum left 0 (the kernel fills it in). Pure.
func Message(cfg Config, mac net.HardwareAddr) []byte {
	cfg = cfg.withDefaults()
	b := make([]byte, 16, 16+8+32*len(cfg.Prefixes))
	b[0] = typeRouterAdvertisement
	b[4] = curHopLimit
	// b[5] flags M=0 O=0; b[6:8] router lifetime 0: not a default router;
	// b[8:12] reachable time, b[12:16] retrans timer: unspecified.
	if len(mac) == 6 {
		b = append(b, optSourceLinkLayer, 1)
		b = append(b, mac...)
	}
	for _, p := range cfg.Prefixes {
		opt := make([]byte, 32)
		opt[0], opt[1] = optPrefixInformation, 4
		opt[2] = byte(p.Bits())
		opt[3] = prefixFlagOnLink | prefixFlagAutonomous
		binary.BigEndian.PutUint32(opt[4:], uint32(cfg.PrefixValid/time.Second))
		binary.BigEndian.PutUint32(opt[8:], uint32(cfg.PrefixPreferred/time.Second))
		a := p.Masked().Addr().As16()
		copy(opt[16:], a[:])
		b = append(b, opt...)
	}
	return b
}

// RouterLifetime reads the router lifetime of an advertisement, for tests
// and diagnostics; ok is false when b is not one.
func RouterLifetime(b []byte) (lifetime time.Duration, ok bool) {
	if len(b) < 16 || b[0] != typeRouterAdvertisement {
		return 0, false
	}
	return time.Duration(binary.BigEndian.Uint16(b[6:8])) * time.Second, true
}
