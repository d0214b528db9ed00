package vmtest

import (
	"bytes"
	"os"
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

	wipeAndCheck(t, l, v)
}

// wipeAndCheck wipes an installed VM through the boot server and checks from
// outside that no md superblock and no LUKS header is left where they were.
func wipeAndCheck(t *testing.T, l *lab, v *vm) {
	t.Helper()
	type region struct {
		disk string
		p    part
	}
	var parts []region
	var luksAt []region // root member data areas (LUKS header there)
	for _, d := range v.disks {
		ps := partitions(t, d)
		for _, p := range ps[1:] {
			parts = append(parts, region{d, p})
		}
		kv, err := examine(t, d, ps[2])
		if err != nil {
			t.Fatal(err)
		}
		luksAt = append(luksAt, region{d, part{Start: ps[2].Start + 512*leadingInt(t, kv["Data Offset"])}})
	}
	if _, err := l.st.PutIntent(v.mac, plan.Intent{Mode: plan.ModeWipe}, false); err != nil {
		t.Fatal(err)
	}
	serial, at := l.boot(v, false, 180*time.Second, func(s plan.Status) bool { return s.State == plan.StateWiped })
	st := l.status(v.mac)
	if st.State != plan.StateWiped || st.Result == nil || !st.Result.OK {
		t.Fatalf("wipe: state %s result %+v\nserial:\n%s", st.State, st.Result, tail(serial, 8000))
	}
	t.Logf("%s: power-on -> wiped %.1fs", v.name, at.Seconds())
	for _, r := range parts {
		if kv, err := examine(t, r.disk, r.p); err == nil && (kv["Magic"] != "" || kv["Raid Level"] != "") {
			t.Errorf("%s at %d: md superblock left after wipe: %v", r.disk, r.p.Start, kv)
		}
	}
	for _, r := range luksAt {
		f, err := os.Open(r.disk)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int64{0, 16 << 10} { // LUKS2 primary and secondary header
			b := make([]byte, 6)
			f.ReadAt(b, r.p.Start+off)
			if bytes.Equal(b, []byte("LUKS\xba\xbe")) || bytes.Equal(b, []byte("SKUL\xba\xbe")) {
				t.Errorf("%s: LUKS header left at %d", r.disk, r.p.Start+off)
			}
		}
		f.Close()
		if out, err := runCmd("cryptsetup", "isLuks", loop(t, r.disk, part{Start: r.p.Start, Size: 32 << 20})); err == nil {
			t.Errorf("%s: cryptsetup isLuks still true after wipe %s", r.disk, out)
		}
	}
	if out, err := runCmd("sfdisk", "--json", v.disks[0]); err == nil && strings.Contains(out, "partitions") {
		t.Errorf("partition table left after wipe: %s", out)
	}
}
