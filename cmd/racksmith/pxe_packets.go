package main

import (
	"log/slog"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/server"
)

// pxeAddPacketServices adds DHCP, TFTP and router advertisements on the
// provisioning interface. Until those packages land the boot server serves
// HTTP only and says so.
func pxeAddPacketServices(_ *server.Server, _ *inventory.Inventory, site *inventory.Site, f pxeServeFlags, log *slog.Logger) error {
	if f.iface != "" {
		log.Warn("dhcp, tftp and router advertisements are not wired yet: serving http only", "interface", f.iface, "boot_server", site.Network.BootServer.String())
	}
	return nil
}
