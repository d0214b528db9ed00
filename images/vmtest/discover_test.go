package vmtest

import (
	"regexp"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// TestDiscoverUnknownVM boots a VM the boot server does not know: it gets
// the discovery boot, an address from the real DHCP server's discovery pool
// (udhcpc in the installer), and its facts (MAC, disk sizes and serials)
// land in the server's state.
func TestDiscoverUnknownVM(t *testing.T) {
	l := newDHCPLab(t)
	v := l.newVM("new", "52:54:00:1a:00:20", 2, 64)
	// a second disk of another size, so sizes are told apart
	if err := truncate(v.disks[1], 96<<20); err != nil {
		t.Fatal(err)
	}
	serial, at := l.boot(v, false, 180*time.Second, func(s plan.Status) bool { return s.Facts != nil })
	st := l.status(v.mac)
	if st.State != plan.StateDiscovered || st.Facts == nil {
		t.Fatalf("discovery: state %s facts %+v\nserial:\n%s", st.State, st.Facts, tail(serial, 6000))
	}
	f := st.Facts
	if f.MAC != v.mac || len(f.NICs) != 1 || f.NICs[0].MAC != v.mac {
		t.Errorf("facts MAC %s NICs %+v, want %s", f.MAC, f.NICs, v.mac)
	}
	want := map[string]int64{v.serial[0]: 64 << 20, v.serial[1]: 96 << 20}
	if len(f.Disks) != 2 {
		t.Fatalf("facts disks %+v, want 2", f.Disks)
	}
	for _, d := range f.Disks {
		if want[d.Serial] != d.SizeBytes {
			t.Errorf("disk %s serial %q size %d, want one of %v", d.Path, d.Serial, d.SizeBytes, want)
		}
	}
	// the installer got its address from the DHCP discovery pool (udhcpc)
	if !regexp.MustCompile(`"path":"/api/v1/agent/facts","status":20\d,"remote":"192\.0\.2\.2[0-5]\d:`).MatchString(l.logs.String()) {
		t.Errorf("no facts request from the DHCP discovery pool (192.0.2.200-250) in the server log")
	}
	t.Logf("%s: power-on -> facts at the boot server %.1fs: %+v", v.mac, at.Seconds(), f.Disks)
}
