// Package cmdline reads the installer's settings from the kernel command line
// (docs/contracts.md): racksmith.server, racksmith.token, racksmith.mode and
// racksmith.mac, plus the optional racksmith.ip (static CIDR address of the
// provisioning NIC, else DHCP) and racksmith.gw.
package cmdline

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Mode is what the agent does on this boot.
type Mode string

// Modes: the three the boot server sets, and "boot" which the installed
// host's own bootloader sets to unlock its root and switch into it.
const (
	ModeInstall  Mode = "install"
	ModeDiscover Mode = "discover"
	ModeWipe     Mode = "wipe"
	ModeBoot     Mode = "boot"
)

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid kernel command line")

// Config is the agent's view of /proc/cmdline.
type Config struct {
	Server  string // boot server base URL, e.g. http://10.11.0.2:8080
	Token   string // one-time install token (secret: never logged)
	Mode    Mode
	MAC     string // provisioning NIC, lowercase colon form
	Address string // optional static CIDR
	Gateway string // optional
}

// Parse parses a kernel command line. Unknown words are ignored.
func Parse(line string) (Config, error) {
	var c Config
	for _, w := range strings.Fields(line) {
		k, v, ok := strings.Cut(w, "=")
		if !ok || !strings.HasPrefix(k, "racksmith.") {
			continue
		}
		switch k {
		case "racksmith.server":
			c.Server = strings.TrimRight(v, "/")
		case "racksmith.token":
			c.Token = v
		case "racksmith.mode":
			c.Mode = Mode(v)
		case "racksmith.mac":
			c.MAC = strings.ToLower(v)
		case "racksmith.ip":
			c.Address = v
		case "racksmith.gw":
			c.Gateway = v
		}
	}
	return c, c.validate()
}

func (c Config) validate() error {
	switch c.Mode {
	case ModeInstall, ModeDiscover, ModeWipe:
		if c.Server == "" {
			return fmt.Errorf("%w: racksmith.server is missing", ErrInvalid)
		}
		u, err := url.Parse(c.Server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: racksmith.server %q is not an http(s) URL", ErrInvalid, c.Server)
		}
		if c.Token == "" {
			return fmt.Errorf("%w: racksmith.token is missing", ErrInvalid)
		}
	case ModeBoot:
	case "":
		return fmt.Errorf("%w: racksmith.mode is missing", ErrInvalid)
	default:
		return fmt.Errorf("%w: racksmith.mode %q is not install, discover, wipe or boot", ErrInvalid, c.Mode)
	}
	if c.MAC == "" {
		return fmt.Errorf("%w: racksmith.mac is missing", ErrInvalid)
	}
	hw, err := net.ParseMAC(c.MAC)
	if err != nil || len(hw) != 6 {
		return fmt.Errorf("%w: racksmith.mac %q is not a MAC address", ErrInvalid, c.MAC)
	}
	if c.Address != "" {
		if _, err := netip.ParsePrefix(c.Address); err != nil {
			return fmt.Errorf("%w: racksmith.ip %q is not a CIDR address", ErrInvalid, c.Address)
		}
	}
	if c.Gateway != "" {
		if _, err := netip.ParseAddr(c.Gateway); err != nil {
			return fmt.Errorf("%w: racksmith.gw %q is not an IP address", ErrInvalid, c.Gateway)
		}
	}
	return nil
}
