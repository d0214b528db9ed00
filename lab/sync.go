package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Synced is what Sync changed.
type Synced struct {
	Added   []string          // servers new to the lab, with a BMC now
	Adopted map[string]string // server -> the unknown host whose VM and disks it took over
	Stale   []string          // lab hosts no longer in the inventory, left running
	// BootServersRestarted: the boot servers were restarted to serve the
	// new hosts' DHCP reservations.
	BootServersRestarted bool
}

// Sync brings a running lab in line with lay, planned from an inventory
// that changed since `lab up`. A server new to the inventory gets its tap,
// its disk images and its BMC (the VM stays off until the BMC powers it
// on). A server whose provisioning MAC is that of an unknown host (racked
// by AddUnknown, then registered from its discovery report) takes over that
// VM: its disk images move to the server (matched by serial), its tap is
// replaced, and from then on its BMC powers it. The boot servers restart
// on their state files so their DHCP tables hold the new servers. Hosts
// already in the lab are left alone; running Sync again changes nothing.
func (l *Lab) Sync(ctx context.Context, lay *Layout) (*Synced, error) {
	res := &Synced{Adopted: map[string]string{}}
	if !namespaceExists(l.cfg.Namespace) {
		return res, fmt.Errorf("%w: namespace %s does not exist (racksmith lab up)", ErrNotUp, l.cfg.Namespace)
	}
	if err := checkFirmware(lay); err != nil {
		return res, err
	}
	cur, err := l.LoadLayout()
	if err != nil {
		return res, err
	}
	password, err := Password(l.cfg.RunDir)
	if err != nil {
		return res, err
	}
	lay.Namespace = l.cfg.Namespace
	bmcBits := DefaultBMCGateway.Bits()
	for _, br := range lay.Bridges {
		if br.Name == BMCBridge && len(br.Addrs) > 0 {
			bmcBits = br.Addrs[0].Bits()
		}
	}
	unknown := map[string]*Host{} // by MAC
	for i := range cur.Hosts {
		if cur.Hosts[i].Unknown {
			unknown[cur.Hosts[i].MAC] = &cur.Hosts[i]
		}
	}
	var added []*Host
	for i := range lay.Hosts {
		h := &lay.Hosts[i]
		if old, ok := cur.Host(h.Name); ok && !old.Unknown {
			continue
		}
		if u := unknown[h.MAC]; u != nil {
			if err := l.adopt(ctx, u, h); err != nil {
				return res, fmt.Errorf("host %s: adopt unknown host %s: %w", h.Name, u.Name, err)
			}
			res.Adopted[h.Name] = u.Name
			delete(unknown, h.MAC)
		}
		if _, err := ip(ctx, "-n", l.cfg.Namespace, "addr", "replace",
			fmt.Sprintf("%s/%d", h.BMC.Addr(), bmcBits), "dev", BMCBridge); err != nil {
			return res, fmt.Errorf("host %s: bmc address: %w", h.Name, err)
		}
		for _, s := range l.tapSteps(h) {
			if _, err := ip(ctx, append([]string{"-n", l.cfg.Namespace}, s...)...); err != nil {
				return res, fmt.Errorf("host %s: %w", h.Name, err)
			}
		}
		if err := l.prepareHost(h, password); err != nil {
			return res, fmt.Errorf("host %s: %w", h.Name, err)
		}
		if err := l.startBMC(h); err != nil {
			return res, fmt.Errorf("host %s: %w", h.Name, err)
		}
		added = append(added, h)
		res.Added = append(res.Added, h.Name)
	}
	for _, h := range added {
		if err := l.waitBMC(ctx, h, password); err != nil {
			return res, err
		}
	}
	// the lab keeps what the inventory no longer names (stopped by down)
	for _, h := range cur.Hosts {
		if _, ok := lay.Host(h.Name); ok {
			continue
		}
		if h.Unknown && unknown[h.MAC] == nil {
			continue // adopted
		}
		lay.Hosts = append(lay.Hosts, h)
		if !h.Unknown {
			res.Stale = append(res.Stale, h.Name)
		}
	}
	if err := l.saveLayout(lay); err != nil {
		return res, err
	}
	if len(added) > 0 && l.cfg.BootServer != nil {
		if err := l.restartBootServers(ctx, lay); err != nil {
			return res, err
		}
		res.BootServersRestarted = true
	}
	l.log.Info("lab synced", "added", res.Added, "adopted", res.Adopted, "stale", res.Stale)
	return res, nil
}

// adopt hands unknown host u's VM over to server h: the VM is stopped (a
// discovered host powers itself off; a running one is powered off hard),
// its tap deleted and its disk images moved to h's run directory under h's
// file names, matched by serial. A disk of h no image matches starts blank.
func (l *Lab) adopt(ctx context.Context, u, h *Host) error {
	udir, hdir := l.hostDir(u.Name), l.hostDir(h.Name)
	pidFile := filepath.Join(udir, fileQEMUPid)
	if pid := livePid(pidFile, pidFile); pid != 0 {
		stopPid(pid, pidFile, stopGrace)
		l.log.Warn("unknown host was still running: powered off", "host", u.Name, "pid", pid)
	}
	_ = os.Remove(pidFile)
	if _, err := ip(ctx, "-n", l.cfg.Namespace, "link", "del", u.Tap); err != nil {
		l.log.Warn("delete tap of unknown host", "tap", u.Tap, "error", err)
	}
	if err := os.MkdirAll(hdir, 0o700); err != nil {
		return err
	}
	bySerial := map[string]Disk{}
	for _, d := range u.Disks {
		bySerial[d.Serial] = d
	}
	type move struct{ from, to string }
	var moves []move
	for _, d := range h.Disks {
		ud, ok := bySerial[d.Serial]
		if !ok || d.Serial == "" {
			l.log.Warn("no disk image of the unknown host has this serial: starting blank", "host", h.Name, "disk", d.File, "serial", d.Serial)
			continue
		}
		if ud.SizeBytes > d.SizeBytes {
			return fmt.Errorf("disk %s (serial %s): the inventory says %d bytes, the image holds %d", d.File, d.Serial, d.SizeBytes, ud.SizeBytes)
		}
		moves = append(moves, move{filepath.Join(udir, ud.File), filepath.Join(hdir, d.File)})
	}
	// two steps, through temporary names, so that renames within one
	// directory (d0.img -> d1.img -> …) never overwrite each other
	for i, m := range moves {
		tmp := filepath.Join(hdir, fmt.Sprintf(".adopt-%d.img", i))
		if err := os.Rename(m.from, tmp); err != nil {
			return fmt.Errorf("move disk image: %w", err)
		}
		moves[i].from = tmp
	}
	for _, m := range moves {
		if err := os.Rename(m.from, m.to); err != nil {
			return fmt.Errorf("move disk image: %w", err)
		}
	}
	if udir != hdir {
		// keep its console log beside the server's, then drop its folder
		if b, err := os.ReadFile(filepath.Join(udir, fileConsole)); err == nil {
			_ = os.WriteFile(filepath.Join(hdir, fileConsole), b, 0o600)
		}
		if err := os.RemoveAll(udir); err != nil {
			return err
		}
	} else {
		// same name: its chassis program powers a BMC-less VM no more
		_ = os.Remove(filepath.Join(hdir, fileBootDev))
	}
	l.log.Info("unknown host adopted", "host", h.Name, "from", u.Name, "disks", len(moves))
	return nil
}

// restartBootServers stops each site's boot server by pid and starts it
// again on the same state file, reading the inventory anew.
func (l *Lab) restartBootServers(ctx context.Context, lay *Layout) error {
	for i := range lay.BootServers {
		bs := &lay.BootServers[i]
		pidFile := filepath.Join(l.bootServerDir(bs.Site), "pid")
		pid, err := readPid(pidFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if pid != 0 {
			stopPid(pid, bootServerMarker(bs), stopGrace)
		}
	}
	time.Sleep(100 * time.Millisecond)
	return l.startBootServers(ctx, lay)
}
