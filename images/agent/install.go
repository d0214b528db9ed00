package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/racksmith/racksmith/images/agent/diskplan"
	"github.com/racksmith/racksmith/pxe/plan"
)

var stagePercent = map[string]int{
	plan.StageStart: 0, plan.StageInspect: 5, plan.StagePlan: 10, plan.StageDisks: 20, plan.StageRAID: 30,
	plan.StageLUKS: 40, plan.StageFilesystem: 50, plan.StageImage: 60, plan.StageFiles: 75, plan.StageBootloader: 85,
}

// Install runs a whole install, filling res as it goes. The LUKS key is
// fetched once, kept in memory only, and fed to cryptsetup on stdin.
func (a *Agent) Install(ctx context.Context, res *plan.Result) (*plan.Plan, error) {
	ifname, err := a.netUp(ctx, a.Cfg.MAC, a.Cfg.Address, a.Cfg.Gateway)
	if err != nil {
		return nil, fail(plan.StageStart, err)
	}
	a.event(ctx, plan.StageStart, 0, "installer up")
	facts, err := a.Sys.Facts(a.Cfg.MAC)
	if err != nil {
		return nil, fail(plan.StageInspect, err)
	}
	if err := a.API.Facts(ctx, facts); err != nil {
		return nil, fail(plan.StageInspect, err)
	}
	a.event(ctx, plan.StageInspect, 5, fmt.Sprintf("%d disks, %d nics", len(facts.Disks), len(facts.NICs)))

	p, err := a.API.Plan(ctx)
	if err != nil {
		return nil, fail(plan.StagePlan, err)
	}
	devs, err := diskplan.Match(p.Disks, facts.Disks)
	if err != nil {
		return p, fail(plan.StagePlan, err)
	}
	l, err := diskplan.Build(p, devs, diskplan.Options{GPTMBR: a.GPTMBR})
	if err != nil {
		return p, fail(plan.StagePlan, err)
	}
	encrypted := false
	for _, ar := range l.Arrays {
		encrypted = encrypted || ar.Encrypt
	}
	tang := encrypted && p.Encryption.KeySource == "tang"
	if encrypted {
		if err := checkKeySource(p.Encryption); err != nil {
			return p, fail(plan.StagePlan, err)
		}
	}
	if tang {
		if err := a.checkTang(ctx, p.Encryption); err != nil {
			return p, fail(plan.StagePlan, err)
		}
	}
	if p.Bootloader != "extlinux" && p.Bootloader != "systemd-boot" && p.Bootloader != "none" && p.Bootloader != "" {
		return p, fail(plan.StagePlan, fmt.Errorf("%w: bootloader %q", ErrNotImplemented, p.Bootloader))
	}
	a.event(ctx, plan.StagePlan, 10, p.Hostname)

	var files *bootFiles
	if p.Bootloader == "extlinux" || p.Bootloader == "systemd-boot" {
		files = a.prefetchBootFiles(ctx)
		defer files.remove()
	}
	// everything that can fail without touching the disks comes first
	img, err := a.fetchImage(ctx, p.Image)
	if err != nil {
		return p, fail(plan.StageImage, err)
	}
	defer os.Remove(img)
	for _, f := range p.Files {
		if err := checkFile(f); err != nil {
			return p, fail(plan.StageFiles, err)
		}
	}
	var key, recovery []byte
	if encrypted {
		if key, err = a.API.Key(ctx); err != nil {
			return p, fail(plan.StageLUKS, err)
		}
		defer clear(key)
		if p.Encryption.Recovery {
			if recovery, err = a.API.RecoveryKey(ctx); err != nil {
				return p, fail(plan.StageLUKS, fmt.Errorf("recovery key: %w", err))
			}
			defer clear(recovery)
		}
	}

	if err := a.wipePartitions(ctx, devs); err != nil {
		return p, err
	}
	stage := ""
	for _, s := range l.Steps {
		if s.Stage != stage {
			stage = s.Stage
			a.event(ctx, stage, stagePercent[stage], "")
		}
		if _, err := a.Runner.Run(ctx, s, key); err != nil {
			return p, err
		}
	}
	for _, ar := range l.Arrays {
		if ar.Encrypt && recovery != nil {
			if err := a.addRecoveryKeyslot(ctx, p.Encryption, ar.Device, key, recovery); err != nil {
				return p, err
			}
		}
		if ar.Encrypt && tang {
			if err := a.bindTang(ctx, p.Encryption, ar.Device, key); err != nil {
				return p, err
			}
		}
	}
	res.ArrayUUIDs = map[string]string{}
	for _, ar := range l.Arrays {
		out, err := a.run(ctx, plan.StageRAID, "mdadm", "--detail", "--export", ar.Device)
		if err != nil {
			return p, err
		}
		res.ArrayUUIDs[ar.Name] = exportValue(out, "MD_UUID")
		if ar.Encrypt {
			out, err := a.run(ctx, plan.StageLUKS, "cryptsetup", "luksUUID", ar.Device)
			if err != nil {
				return p, err
			}
			res.LUKSUUID = strings.TrimSpace(out)
		}
	}
	if err := a.mountAll(ctx, l); err != nil {
		return p, err
	}
	defer a.teardown(context.WithoutCancel(ctx), l)

	a.event(ctx, plan.StageImage, 60, p.Image.Name)
	if _, err := a.run(ctx, plan.StageImage, "tar", "-xzpf", img, "-C", a.Target); err != nil {
		return p, err
	}
	res.Image = p.Image.Name
	a.event(ctx, plan.StageFiles, 75, fmt.Sprintf("%d files", len(p.Files)))
	if err := a.writeIdentity(p, l, res, ifname); err != nil {
		return p, fail(plan.StageFiles, err)
	}
	if res.FileSums, err = a.writeFiles(p.Files); err != nil {
		return p, fail(plan.StageFiles, err)
	}
	if p.Bootloader == "extlinux" {
		a.event(ctx, plan.StageBootloader, 85, "extlinux")
		if err := a.installExtlinux(ctx, p, l, res, ifname, files); err != nil {
			return p, fail(plan.StageBootloader, err)
		}
	}
	if p.Bootloader == "systemd-boot" {
		a.event(ctx, plan.StageBootloader, 85, fmt.Sprintf("systemd-boot on %d ESPs", len(l.ESPs)))
		if err := a.installSystemdBoot(ctx, p, l, res, ifname, files); err != nil {
			return p, fail(plan.StageBootloader, err)
		}
	}
	if err := a.teardown(ctx, l); err != nil {
		return p, fail(plan.StageDone, err)
	}
	return p, nil
}

// wipePartitions clears signatures on partitions left from an earlier life.
func (a *Agent) wipePartitions(ctx context.Context, devs map[string]string) error {
	for _, dev := range devs {
		base := filepath.Base(dev)
		parts, _ := filepath.Glob(filepath.Join(a.Sys.Root, "sys/block", base, base+"*"))
		for _, p := range parts {
			if _, err := a.run(ctx, plan.StageDisks, "wipefs", "-a", "-f", "/dev/"+filepath.Base(p)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *Agent) mountAll(ctx context.Context, l *diskplan.Layout) error {
	for _, ar := range l.MountOrder() {
		dir := filepath.Join(a.Target, ar.Mount)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail(plan.StageFilesystem, err)
		}
		if _, err := a.run(ctx, plan.StageFilesystem, "mount", "-t", ar.FS, ar.FSDevice, dir); err != nil {
			return err
		}
	}
	return nil
}

// teardown unmounts, closes LUKS and stops the arrays so they are clean when
// the machine powers off. It is safe to repeat.
func (a *Agent) teardown(ctx context.Context, l *diskplan.Layout) error {
	var first error
	order := l.MountOrder()
	for i := len(order) - 1; i >= 0; i-- {
		dir := filepath.Join(a.Target, order[i].Mount)
		if isMounted(dir) {
			if _, err := a.run(ctx, plan.StageDone, "umount", dir); err != nil && first == nil {
				first = err
			}
		}
	}
	for i := len(l.Arrays) - 1; i >= 0; i-- {
		ar := l.Arrays[i]
		if ar.Encrypt {
			if _, err := os.Stat(ar.FSDevice); err == nil {
				if _, err := a.run(ctx, plan.StageDone, "cryptsetup", "close", ar.Name); err != nil && first == nil {
					first = err
				}
			}
		}
		if _, err := os.Stat(filepath.Join(a.Sys.Root, "sys/block", filepath.Base(ar.Device), "md")); err == nil {
			if _, err := a.run(ctx, plan.StageDone, "mdadm", "--stop", ar.Device); err != nil && first == nil {
				first = err
			}
		}
	}
	a.run(ctx, plan.StageDone, "sync")
	return first
}

func isMounted(dir string) bool {
	b, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == dir {
			return true
		}
	}
	return false
}

// exportValue reads KEY=value from `mdadm --export` style output.
func exportValue(out, key string) string {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+"="); ok {
			return v
		}
	}
	return ""
}
