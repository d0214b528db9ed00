package sysinfo

import (
	"reflect"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

func TestFacts(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f, err := Reader{Root: "testdata", Now: func() time.Time { return now }}.Facts("52:54:00:aa:00:01")
	if err != nil {
		t.Fatal(err)
	}
	want := plan.Facts{
		MAC: "52:54:00:aa:00:01", Serial: "RS-SRV-0001", Vendor: "QEMU", Product: "Standard PC (i440FX + PIIX, 1996)",
		NICs: []plan.NICFact{{Name: "eth0", MAC: "52:54:00:aa:00:01"}, {Name: "eth1", MAC: "52:54:00:aa:00:02"}},
		// virtio's serial, an NVMe controller's, a SATA disk's VPD page 0x80
		Disks: []plan.DiskFact{
			{Path: "/dev/nvme0n1", Serial: "S5GXNF0R123456", Model: "SAMSUNG MZQL23T8HCLS", SizeBytes: 3750748848 * 512},
			{Path: "/dev/sda", Serial: "WD-WCC4N1234567", Model: "WDC WD40EFRX-68N", SizeBytes: 7814037168 * 512},
			{Path: "/dev/vda", Serial: "RS-D0", SizeBytes: 1 << 30}, {Path: "/dev/vdb", Serial: "RS-D1", SizeBytes: 2 << 30}},
		Time: now,
	}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got  %+v\nwant %+v", f, want)
	}
}

func TestMissingSysfs(t *testing.T) {
	if _, err := (Reader{Root: t.TempDir()}).Facts("x"); err == nil {
		t.Fatal("no error for a root without sysfs")
	}
}
