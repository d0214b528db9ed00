package main

import (
	"log/slog"
	"net"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/hosts"
	"github.com/racksmith/racksmith/pxe/server"
)

// pxePackets is what the packet services will answer from: the site's
// host table and DHCP configuration. nil without --interface.
type pxePackets struct {
	table *hosts.Table
	cfg   dhcp.Config
}

// pxePlanPackets builds the host table and DHCP configuration of the
// provisioning interface, checking them before anything is written or bound.
func pxePlanPackets(inv *inventory.Inventory, site *inventory.Site, f pxeServeFlags) (*pxePackets, error) {
	if f.iface == "" {
		return nil, nil
	}
	table, err := hosts.Build(inv, site.Name)
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	cfg, err := server.DHCPConfig(site, table, server.PacketOptions{Proxy: f.proxy, Discovery: f.discovery, UEFIBinary: f.uefiBinary})
	if err != nil {
		return nil, err
	}
	return &pxePackets{table: table, cfg: cfg}, nil
}

// pxeAddPacketServices adds the packet services of the provisioning
// interface: DHCP from the site's host table, TFTP of the iPXE binaries on
// the boot server's address, and with --ra IPv6 router advertisements. Without --interface (p nil) the boot
// server serves HTTP only (e.g. behind another DHCP server that points at it).
func pxeAddPacketServices(srv *server.Server, p *pxePackets, site *inventory.Site, f pxeServeFlags, log *slog.Logger) error {
	if p == nil {
		log.Warn("no --interface: serving http only (no dhcp, tftp or router advertisements)")
		return nil
	}
	table, cfg := p.table, p.cfg
	svc, err := server.DHCPService(f.iface, cfg, table, log)
	if err != nil {
		return err
	}
	if err := srv.Add(svc); err != nil {
		return err
	}
	log.Info("dhcp ready", "interface", f.iface, "mode", string(cfg.Mode), "reservations", table.Len())
	tsvc, err := server.TFTPService(f.tftpRoot, net.JoinHostPort(site.Network.BootServer.String(), "69"), cfg.Files, log)
	if err != nil {
		return err
	}
	if err := srv.Add(tsvc); err != nil {
		return err
	}
	if f.ra {
		rsvc, err := server.RAService(f.iface, log)
		if err != nil {
			return err
		}
		if err := srv.Add(rsvc); err != nil {
			return err
		}
	}
	return nil
}
