package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Wipe destroys what an install made: it assembles whatever md arrays the
// disks hold, erases every LUKS header it finds (all keyslots: the data is
// unrecoverable from then on), stops the arrays, erases a LUKS header left
// in the data area of a member the assembly left out (see eraseLUKSAt),
// zeroes the md superblocks and removes every signature with wipefs. Any
// failed command fails the wipe.
func (a *Agent) Wipe(ctx context.Context) error {
	if _, err := a.netUp(ctx, a.Cfg.MAC, a.Cfg.Address, a.Cfg.Gateway); err != nil {
		return fail(plan.StageStart, err)
	}
	a.event(ctx, plan.StageStart, 0, "wipe")
	facts, err := a.Sys.Facts(a.Cfg.MAC)
	if err != nil {
		return fail(plan.StageInspect, err)
	}
	a.event(ctx, plan.StageWipe, 10, fmt.Sprintf("%d disks", len(facts.Disks)))
	var parts []string
	for _, d := range facts.Disks {
		base := filepath.Base(d.Path)
		ps, _ := filepath.Glob(filepath.Join(a.Sys.Root, "sys/block", base, base+"*"))
		for _, p := range ps {
			parts = append(parts, "/dev/"+filepath.Base(p))
		}
	}
	sort.Strings(parts)
	// arrays: assembling fails harmlessly when there are none
	a.run(ctx, plan.StageWipe, "mdadm", "--assemble", "--scan", "--run")
	mds, _ := filepath.Glob(filepath.Join(a.Sys.Root, "sys/block/md*"))
	var luks []string
	for _, md := range mds {
		luks = append(luks, "/dev/"+filepath.Base(md))
	}
	luks = append(luks, parts...)
	for _, d := range facts.Disks {
		luks = append(luks, d.Path)
	}
	for _, dev := range luks {
		if _, err := a.run(ctx, plan.StageWipe, "cryptsetup", "isLuks", dev); err != nil {
			continue // not LUKS
		}
		if _, err := a.run(ctx, plan.StageWipe, "cryptsetup", "erase", "--batch-mode", dev); err != nil {
			return err
		}
		if _, err := a.run(ctx, plan.StageWipe, "wipefs", "-a", "-f", dev); err != nil {
			return err
		}
	}
	a.event(ctx, plan.StageWipe, 50, fmt.Sprintf("%d arrays", len(mds)))
	for _, md := range mds {
		dev := "/dev/" + filepath.Base(md)
		if _, err := os.Stat(filepath.Join(md, "md")); err == nil {
			if _, err := a.run(ctx, plan.StageWipe, "mdadm", "--stop", dev); err != nil {
				return err
			}
		}
	}
	for _, p := range parts {
		if out, err := a.run(ctx, plan.StageWipe, "mdadm", "--examine", p); err == nil && strings.Contains(out, "Magic") {
			if off := dataOffset(out); off > 0 {
				found, err := eraseLUKSAt(p, off)
				if err != nil {
					return fail(plan.StageWipe, err)
				}
				if found {
					a.Log.Info("erased the LUKS header of a member left out of its array", "stage", plan.StageWipe, "partition", p)
				}
			}
			if _, err := a.run(ctx, plan.StageWipe, "mdadm", "--zero-superblock", p); err != nil {
				return err
			}
		}
		if _, err := a.run(ctx, plan.StageWipe, "wipefs", "-a", "-f", p); err != nil {
			return err
		}
	}
	for _, d := range facts.Disks {
		if _, err := a.run(ctx, plan.StageWipe, "wipefs", "-a", "-f", d.Path); err != nil {
			return err
		}
	}
	a.run(ctx, plan.StageWipe, "sync")
	a.event(ctx, plan.StageWipe, 100, "wiped")
	return nil
}
