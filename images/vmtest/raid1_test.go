package vmtest

import (
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// TestRAID1InstallBootWipe installs a two-disk VM (RAID1 /boot and RAID1 +
// LUKS2 root), checks the disks from outside, boots the VM from its own
// disks, then wipes it and checks that nothing is left.
func TestRAID1InstallBootWipe(t *testing.T) {
	l := newLab(t)
	v := l.newVM("mx1", "52:54:00:1a:00:01", 2, 512)
	p, key, res := install(t, l, v, 1)
	checkInstalled(t, l, v, p, key, res, 1)

	serial, at := l.boot(v, true, 180*time.Second, func(s plan.Status) bool { return s.State == plan.StateBooted })
	if !strings.Contains(serial, "booted from disk") || l.status(v.mac).State != plan.StateBooted {
		t.Fatalf("boot from disk: state %s\nserial:\n%s", l.status(v.mac).State, tail(serial, 8000))
	}
	if strings.Contains(serial, key) {
		t.Errorf("the LUKS key appears on the console at boot")
	}
	t.Logf("%s: power-on (-boot c) -> booted from its encrypted RAID1 %.1fs", v.name, at.Seconds())
}
