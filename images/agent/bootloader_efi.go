package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/racksmith/racksmith/images/agent/diskplan"
	"github.com/racksmith/racksmith/pxe/plan"
)

// installSystemdBoot makes every disk bootable by UEFI firmware on its own:
// each disk's EFI system partition gets systemd-boot as the removable-media
// loader \EFI\BOOT\BOOTX64.EFI (no firmware boot entry to write, none to
// lose when a disk is swapped), a loader entry with the same kernel command
// line extlinux gets, and the installer kernel and initramfs carrying the
// boot config, exactly as extlinux's /boot has them. The ESPs are not
// mirrored by md: they are written one after the other with the same files.
func (a *Agent) installSystemdBoot(ctx context.Context, p *plan.Plan, l *diskplan.Layout, res *plan.Result, ifname string, files *bootFiles) error {
	if len(l.ESPs) == 0 {
		return fmt.Errorf("systemd-boot needs an EFI system partition on the disks")
	}
	if _, err := os.Stat(a.SystemdBoot); err != nil {
		return fmt.Errorf("systemd-boot: %w", err)
	}
	cfg, js, err := a.bootConfig(p, l, res, ifname)
	if err != nil {
		return err
	}
	dir := filepath.Join(os.TempDir(), "racksmith-esp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, esp := range l.ESPs {
		// only root reads the ESP: its initramfs holds the unlock token
		if _, err := a.run(ctx, plan.StageBootloader, "mount", "-t", "vfat", "-o", "fmask=0177,dmask=0077", esp, dir); err != nil {
			return err
		}
		err := a.fillESP(dir, files, js)
		if _, uerr := a.run(ctx, plan.StageBootloader, "umount", dir); err == nil {
			err = uerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", esp, err)
		}
	}
	return a.writeBootedEnv(cfg, ifname)
}

// fillESP writes the boot files into a mounted EFI system partition.
func (a *Agent) fillESP(dir string, files *bootFiles, js []byte) error {
	for _, d := range []string{"EFI/BOOT", "loader/entries"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	if err := copyFile(a.SystemdBoot, filepath.Join(dir, "EFI/BOOT/BOOTX64.EFI")); err != nil {
		return err
	}
	if err := writeBootImages(dir, files, js); err != nil {
		return err
	}
	loader := "default racksmith.conf\ntimeout 0\neditor no\n"
	entry := fmt.Sprintf("title racksmith\nlinux /vmlinuz\ninitrd /initrd.img\noptions %s\n", a.bootArgs())
	if err := os.WriteFile(filepath.Join(dir, "loader/loader.conf"), []byte(loader), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "loader/entries/racksmith.conf"), []byte(entry), 0o600)
}
