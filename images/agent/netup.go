package agent

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// NetUp brings up the provisioning NIC with busybox's ip and udhcpc.
type NetUp struct {
	Wait time.Duration // how long to wait for the NIC to appear
}

// Up finds the interface with mac, sets it up and gives it address (CIDR,
// with optional gateway) or a DHCP lease. It returns the interface name.
func (a *Agent) netUp(ctx context.Context, mac, address, gateway string) (string, error) {
	wait := a.Net.Wait
	if wait == 0 {
		wait = 10 * time.Second
	}
	var name string
	for deadline := time.Now().Add(wait); ; {
		ifs, err := net.Interfaces()
		if err != nil {
			return "", fmt.Errorf("list interfaces: %w", err)
		}
		for _, i := range ifs {
			if strings.EqualFold(i.HardwareAddr.String(), mac) {
				name = i.Name
			}
		}
		if name != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if name == "" {
		return "", fmt.Errorf("%w: no interface has mac %s", ErrNoNIC, mac)
	}
	if _, err := a.run(ctx, "network", "ip", "link", "set", "dev", name, "up"); err != nil {
		return name, err
	}
	if address == "" {
		_, err := a.run(ctx, "network", "udhcpc", "-i", name, "-f", "-q", "-n", "-t", "10", "-T", "1", "-s", "/usr/share/udhcpc/default.script")
		return name, err
	}
	if _, err := a.run(ctx, "network", "ip", "addr", "add", address, "dev", name); err != nil {
		return name, err
	}
	if gateway != "" {
		if _, err := a.run(ctx, "network", "ip", "route", "replace", "default", "via", gateway, "dev", name); err != nil {
			return name, err
		}
	}
	return name, nil
}
