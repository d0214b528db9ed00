package lab

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// UnknownDiskSize is the size of each of an unknown host's two disks.
const UnknownDiskSize = 512 << 20

var hostNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,30}$`)

// UnknownMAC is the MAC of an unknown host: QEMU's 52:54:00 prefix and
// three bytes of a hash of its name, so the same name always gets the same
// MAC and other names almost never collide (checked against the lab).
func UnknownMAC(name string) string {
	sum := sha256.Sum256([]byte("racksmith-lab-unknown/" + name))
	return fmt.Sprintf("52:54:00:%02x:%02x:%02x", sum[0], sum[1], sum[2])
}

// planUnknown lays out a host that is not in the inventory: a VM with a
// deterministic MAC and two disks on site's bridge, without a BMC.
func planUnknown(lay *Layout, name, site string) (*Host, error) {
	if !hostNameRE.MatchString(name) {
		return nil, fmt.Errorf("unknown host name %q: want lowercase letters, digits and dashes", name)
	}
	if _, ok := lay.Host(name); ok {
		return nil, fmt.Errorf("host %q is already in the lab", name)
	}
	bridge := ""
	for _, bs := range lay.BootServers {
		if bs.Site == site {
			bridge = bs.Interface
		}
	}
	if bridge == "" {
		return nil, fmt.Errorf("site %q is not a lab site", site)
	}
	mac := UnknownMAC(name)
	for _, h := range lay.Hosts {
		if h.MAC == mac {
			return nil, fmt.Errorf("MAC %s of %q collides with %s: choose another name", mac, name, h.Name)
		}
	}
	h := &Host{Name: name, Site: site, Serial: "RS-" + name, Bridge: bridge, Tap: tapName(name), MAC: mac, Unknown: true}
	for i := 0; i < 2; i++ {
		h.Disks = append(h.Disks, Disk{File: fmt.Sprintf("d%d.img", i), Serial: fmt.Sprintf("RS-%s-d%d", name, i), SizeBytes: UnknownDiskSize})
	}
	return h, nil
}

// AddUnknown racks a VM the inventory does not know on site's bridge and
// powers it on into a network boot, for the discovery flow. It has no BMC;
// lab down stops it like every VM.
func (l *Lab) AddUnknown(ctx context.Context, name, site string) (*Host, error) {
	lay, err := l.LoadLayout()
	if err != nil {
		return nil, err
	}
	if !namespaceExists(l.cfg.Namespace) {
		return nil, fmt.Errorf("%w: namespace %s does not exist", ErrNotUp, l.cfg.Namespace)
	}
	h, err := planUnknown(lay, name, site)
	if err != nil {
		return nil, err
	}
	if err := l.prepareHost(h, ""); err != nil {
		return nil, err
	}
	for _, s := range l.tapSteps(h) {
		if _, err := ip(ctx, append([]string{"-n", l.cfg.Namespace}, s...)...); err != nil {
			return nil, err
		}
	}
	lay.Hosts = append(lay.Hosts, *h)
	if err := l.saveLayout(lay); err != nil {
		return nil, err
	}
	chassis := filepath.Join(l.hostDir(name), fileChassis)
	for _, args := range [][]string{{"set", "boot", "pxe"}, {"set", "power", "1"}} {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(cctx, "ip", append([]string{"netns", "exec", l.cfg.Namespace, chassis}, args...)...).CombinedOutput()
		cancel()
		if err != nil {
			return nil, fmt.Errorf("power on %s: %w: %s", name, err, strings.TrimSpace(string(out)))
		}
	}
	if livePid(filepath.Join(l.hostDir(name), fileQEMUPid), filepath.Join(l.hostDir(name), fileQEMUPid)) == 0 {
		return nil, fmt.Errorf("vm of %s did not start (see %s)", name, filepath.Join(l.hostDir(name), "qemu.log"))
	}
	l.log.Info("unknown host racked", "host", name, "site", site, "mac", h.MAC)
	return h, nil
}
