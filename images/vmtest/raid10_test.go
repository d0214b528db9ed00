package vmtest

import (
	"testing"
)

// TestRAID10Install installs a four-disk VM: RAID1 /boot over all four and
// a RAID10 (near=2) + LUKS2 root, checked from outside by reassembling the
// RAID10 stripes in user space.
func TestRAID10Install(t *testing.T) {
	l := newLab(t)
	v := l.newVM("db1", "52:54:00:1a:00:10", 4, 384)
	p, key, res := install(t, l, v, 10)
	checkInstalled(t, l, v, p, key, res, 10)
}
