// Package diskplan turns an install plan and the machine's disks into the
// exact list of commands that partition the disks, build the md arrays, the
// LUKS2 containers and the filesystems. It is pure: nothing here touches a
// disk, so the whole layout is checked (and golden-tested) before anything is
// written.
package diskplan

import (
	"fmt"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Match maps each planned disk name to a real device path: by serial when the
// plan gives one, else by path; a planned size is a minimum. It refuses when
// a disk is missing, too small, or two planned disks land on the same device.
func Match(disks []plan.Disk, facts []plan.DiskFact) (map[string]string, error) {
	out := make(map[string]string, len(disks))
	used := map[string]string{}
	for _, d := range disks {
		var got *plan.DiskFact
		for i := range facts {
			f := &facts[i]
			if (d.Serial != "" && f.Serial == d.Serial) || (d.Serial == "" && d.Path != "" && f.Path == d.Path) {
				got = f
				break
			}
		}
		switch {
		case d.Serial == "" && d.Path == "":
			return nil, fmt.Errorf("%w: disk %q has neither serial nor path", ErrBadPlan, d.Name)
		case got == nil && d.Serial != "":
			return nil, fmt.Errorf("%w: disk %q: no disk with serial %q (machine has %s)", ErrDiskMismatch, d.Name, d.Serial, describe(facts))
		case got == nil:
			return nil, fmt.Errorf("%w: disk %q: no disk at %s (machine has %s)", ErrDiskMismatch, d.Name, d.Path, describe(facts))
		case d.SizeBytes > 0 && got.SizeBytes < d.SizeBytes:
			return nil, fmt.Errorf("%w: disk %q: %s has %d bytes, plan needs %d", ErrDiskMismatch, d.Name, got.Path, got.SizeBytes, d.SizeBytes)
		}
		if prev, ok := used[got.Path]; ok {
			return nil, fmt.Errorf("%w: disks %q and %q both match %s", ErrDiskMismatch, prev, d.Name, got.Path)
		}
		used[got.Path] = d.Name
		out[d.Name] = got.Path
	}
	return out, nil
}

func describe(facts []plan.DiskFact) string {
	if len(facts) == 0 {
		return "no disks"
	}
	s := ""
	for i, f := range facts {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s serial %q %d bytes", f.Path, f.Serial, f.SizeBytes)
	}
	return s
}
