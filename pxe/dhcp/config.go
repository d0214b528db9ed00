package dhcp

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Mode is how the server takes part in the network's DHCP.
type Mode string

const (
	// ModeReservation answers DHCP fully: addresses from the host table,
	// plus boot options.
	ModeReservation Mode = "reservation"
	// ModeProxy is proxyDHCP (PXE spec 2.1): the network already has a DHCP
	// server handing out addresses; this server answers PXE clients with boot
	// options only, on port 67 and 4011, and never offers an address.
	ModeProxy Mode = "proxy"
)

// Files names the boot programs handed to each firmware family.
type Files struct {
	BIOS  string // option 93 = 0; default "undionly.kpxe"
	UEFI  string // option 93 = 6, 7, 9; default "ipxe.efi" ("snponly.efi" is the other choice)
	ARM64 string // option 93 = 10, 11; default "ipxe-arm64.efi"
	// HTTPBoot is the absolute http:// URL of the iPXE EFI binary, for UEFI
	// HTTP boot clients (option 93 = 16). Default: BootURL + BootFilesPath +
	// UEFI, e.g. http://10.11.0.2:8080/boot-files/ipxe.efi.
	HTTPBoot string
}

// Pool is the discovery pool: unknown MACs get a short lease from it and
// boot the discovery script.
type Pool struct {
	Start, End netip.Addr // inclusive
	PrefixLen  int
	Router     netip.Addr // optional
	DNS        []netip.Addr
	LeaseTime  time.Duration // default 5 minutes
}

// Config is the DHCP server's configuration.
type Config struct {
	Mode Mode // default ModeReservation
	// ServerIP is this server's address on the provisioning interface: the
	// server identifier (option 54) and siaddr (next-server, TFTP).
	ServerIP netip.Addr
	// BootURL is the base URL of the boot server's HTTP, e.g.
	// http://10.11.0.2:8080; used for hosts that are not in the table.
	BootURL string
	// LeaseTime of reserved addresses; default 1 hour.
	LeaseTime time.Duration
	Files     Files
	// Discovery, when set, answers unknown MACs from this pool (in proxy
	// mode: boot options only) so they boot the discovery script.
	Discovery *Pool
}

// Defaults for Config fields left zero.
const (
	DefaultLeaseTime     = time.Hour
	DefaultPoolLeaseTime = 5 * time.Minute
	DefaultBIOSFile      = "undionly.kpxe"
	DefaultUEFIFile      = "ipxe.efi"
	DefaultARM64File     = "ipxe-arm64.efi"
	// BootFilesPath is where the boot server's HTTP side serves the boot
	// programs of its TFTP root (pxe/server), the base of the default
	// Files.HTTPBoot URL.
	BootFilesPath = "/boot-files/"
)

// withDefaults returns cfg with zero fields set to their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Mode == "" {
		cfg.Mode = ModeReservation
	}
	if cfg.LeaseTime == 0 {
		cfg.LeaseTime = DefaultLeaseTime
	}
	cfg.BootURL = strings.TrimRight(cfg.BootURL, "/")
	if cfg.Files.BIOS == "" {
		cfg.Files.BIOS = DefaultBIOSFile
	}
	if cfg.Files.UEFI == "" {
		cfg.Files.UEFI = DefaultUEFIFile
	}
	if cfg.Files.ARM64 == "" {
		cfg.Files.ARM64 = DefaultARM64File
	}
	if cfg.Files.HTTPBoot == "" && cfg.BootURL != "" {
		cfg.Files.HTTPBoot = cfg.BootURL + BootFilesPath + cfg.Files.UEFI
	}
	if cfg.Discovery != nil {
		p := *cfg.Discovery
		if p.LeaseTime == 0 {
			p.LeaseTime = DefaultPoolLeaseTime
		}
		cfg.Discovery = &p
	}
	return cfg
}

// Validate reports the first thing wrong with cfg, naming the field.
func (cfg Config) Validate() error {
	cfg = cfg.withDefaults()
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrConfig, field, fmt.Sprintf(format, args...))
	}
	if cfg.Mode != ModeReservation && cfg.Mode != ModeProxy {
		return bad("mode", "%q is neither %q nor %q", cfg.Mode, ModeReservation, ModeProxy)
	}
	if !cfg.ServerIP.Is4() || cfg.ServerIP.IsUnspecified() {
		return bad("server_ip", "%q is not a usable IPv4 address", cfg.ServerIP)
	}
	if !strings.HasPrefix(cfg.BootURL, "http://") && !strings.HasPrefix(cfg.BootURL, "https://") {
		return bad("boot_url", "%q does not start with http:// or https://", cfg.BootURL)
	}
	if !strings.HasPrefix(cfg.Files.HTTPBoot, "http://") {
		return bad("files.http_boot", "%q is not an http:// URL (UEFI HTTP boot fetches it)", cfg.Files.HTTPBoot)
	}
	for field, name := range map[string]string{"files.bios": cfg.Files.BIOS, "files.uefi": cfg.Files.UEFI, "files.arm64": cfg.Files.ARM64} {
		if len(name) > 127 || strings.ContainsAny(name, "\x00") {
			return bad(field, "%q does not fit the 127-byte file field", name)
		}
	}
	if cfg.LeaseTime < time.Minute || cfg.LeaseTime > 365*24*time.Hour {
		return bad("lease_time", "%s is outside 1m..8760h", cfg.LeaseTime)
	}
	if p := cfg.Discovery; p != nil && cfg.Mode == ModeReservation {
		if !p.Start.Is4() || !p.End.Is4() || p.End.Less(p.Start) {
			return bad("discovery.range", "%s-%s is not an IPv4 range", p.Start, p.End)
		}
		if p.PrefixLen < 8 || p.PrefixLen > 30 {
			return bad("discovery.prefix_len", "%d is outside 8..30", p.PrefixLen)
		}
		pfx := netip.PrefixFrom(p.Start, p.PrefixLen).Masked()
		if !pfx.Contains(p.End) {
			return bad("discovery.range", "%s-%s spans more than one /%d", p.Start, p.End, p.PrefixLen)
		}
		if !(p.Start.Compare(cfg.ServerIP) > 0 || p.End.Compare(cfg.ServerIP) < 0) {
			return bad("discovery.range", "%s-%s holds the server's own address %s", p.Start, p.End, cfg.ServerIP)
		}
		if size := poolSize(p.Start, p.End); size > 1<<16 {
			return bad("discovery.range", "%d addresses: at most 65536", size)
		}
		if p.LeaseTime < 10*time.Second {
			return bad("discovery.lease_time", "%s is under 10s", p.LeaseTime)
		}
	}
	return nil
}
