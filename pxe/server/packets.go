package server

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/hosts"
	"github.com/racksmith/racksmith/pxe/ra"
	"github.com/racksmith/racksmith/pxe/tftp"
)

// PacketOptions are the packet-side switches of `racksmith pxe serve`.
type PacketOptions struct {
	Proxy     bool // proxyDHCP beside an existing DHCP server
	Discovery bool // answer unknown MACs (from a discovery pool in reservation mode)
	// UEFIBinary is the iPXE binary of the TFTP root for UEFI firmware
	// (option 93 = 6, 7, 9 over TFTP; 16 over HTTP under /boot-files/):
	// default ipxe.efi, or snponly.efi.
	UEFIBinary string
}

// DHCPConfig derives the DHCP server's configuration for site: the boot
// server's address and URL from the site's network, and in reservation mode
// with discovery a pool of the last quarter of the prefix (which must hold
// no reservation). Pure: two servers given the same inventory answer alike.
func DHCPConfig(site *inventory.Site, table *hosts.Table, opt PacketOptions) (dhcp.Config, error) {
	nw := site.Network
	cfg := dhcp.Config{Mode: dhcp.ModeReservation, ServerIP: nw.BootServer, BootURL: nw.BootURL,
		Files: dhcp.Files{UEFI: opt.UEFIBinary}}
	if err := checkBootFileName("uefi_binary", opt.UEFIBinary); err != nil {
		return dhcp.Config{}, err
	}
	if opt.Proxy {
		cfg.Mode = dhcp.ModeProxy
	}
	if opt.Discovery {
		pool, err := discoveryPool(nw, table)
		if err != nil {
			return dhcp.Config{}, fmt.Errorf("site %s: %w", site.Name, err)
		}
		cfg.Discovery = pool
	}
	return cfg, cfg.Validate()
}

// discoveryPool is the last quarter of the site's IPv4 prefix, short of
// the broadcast address.
func discoveryPool(nw inventory.Network, table *hosts.Table) (*dhcp.Pool, error) {
	p := nw.Prefix.Masked()
	if !p.Addr().Is4() || p.Bits() > 28 {
		return nil, fmt.Errorf("%w: network.prefix %s: discovery needs an IPv4 prefix of /28 or larger", ErrConfig, nw.Prefix)
	}
	base4 := p.Addr().As4()
	base := binary.BigEndian.Uint32(base4[:])
	size := uint32(1) << (32 - p.Bits())
	pool := &dhcp.Pool{
		Start: u32addr(base + size/4*3), End: u32addr(base + size - 2),
		PrefixLen: p.Bits(), Router: nw.Gateway, DNS: nw.DNS,
	}
	in := func(a netip.Addr) bool { return a.IsValid() && pool.Start.Compare(a) <= 0 && a.Compare(pool.End) <= 0 }
	for _, r := range table.All() {
		if in(r.Address) {
			return nil, fmt.Errorf("%w: discovery pool %s-%s holds %s's address %s", ErrConfig, pool.Start, pool.End, r.Hostname, r.Address)
		}
	}
	if in(nw.BootServer) || in(nw.Gateway) {
		return nil, fmt.Errorf("%w: discovery pool %s-%s holds the boot server or gateway", ErrConfig, pool.Start, pool.End)
	}
	return pool, nil
}

func u32addr(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// DHCPService opens the DHCP sockets on iface now (call it inside the
// provisioning namespace) and returns the service answering from table.
func DHCPService(iface string, cfg dhcp.Config, table *hosts.Table, log *slog.Logger) (Service, error) {
	h, err := dhcp.NewHandler(cfg, table, log.With("svc", "dhcp"))
	if err != nil {
		return Service{}, err
	}
	srv, err := dhcp.NewServer(iface, h)
	if err != nil {
		return Service{}, err
	}
	return Service{
		Name:       "dhcp",
		Serve:      func(ctx context.Context) error { return srv.Serve(ctx) },
		Collectors: h.Metrics().Collectors(),
	}, nil
}

// TFTPService serves the iPXE binaries of root on addr (the boot server's
// address, port 69). Boot files that are symlinks out of root (Debian's
// /usr/lib/ipxe/ipxe.efi -> /boot/ipxe.efi) are pinned to their targets
// (pinBootFiles, as the HTTP side's /boot-files/ does); every other name
// stays confined to root.
func TFTPService(root, addr string, files dhcp.Files, log *slog.Logger) (Service, error) {
	if root == "" {
		root = tftp.DefaultRoot
	}
	var opts []tftp.Option
	for name, abs := range pinBootFiles(root, bootFileNames(files)) {
		opts = append(opts, tftp.WithFile(name, abs))
	}
	srv, err := tftp.NewServer(root, log.With("svc", "tftp"), opts...)
	if err != nil {
		return Service{}, err
	}
	return Service{
		Name: "tftp",
		Serve: func(ctx context.Context) error {
			defer srv.Close()
			return srv.Serve(ctx, addr)
		},
		Collectors: srv.Metrics().Collectors(),
	}, nil
}

// ListenFromBootURL is the HTTP listen address a site's boot URL implies:
// its host and port (80 or 443 when the URL names none).
func ListenFromBootURL(bootURL string) (string, error) {
	u, err := url.Parse(bootURL)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("%w: boot_url %q has no host", ErrConfig, bootURL)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port == "" {
		return "", fmt.Errorf("%w: boot_url %q: scheme is not http(s)", ErrConfig, bootURL)
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// RAService opens an ICMPv6 socket on iface now (call it inside the
// provisioning namespace; it waits up to 3 s for the interface's link-local
// address) and returns the service sending router advertisements with
// router lifetime 0, which only end iPXE's ~15 s wait for IPv6.
func RAService(iface string, log *slog.Logger) (Service, error) {
	a, err := ra.New(iface, ra.Config{}, log.With("svc", "ra"))
	if err != nil {
		return Service{}, err
	}
	return Service{Name: "ra", Serve: a.Serve}, nil
}
