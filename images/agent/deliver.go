package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// deliverTimeout bounds asking the boot server for the boot plan and
// reporting back (the client repeats while the server restarts).
const deliverTimeout = 90 * time.Second

// deliver brings the freshly mounted root (device dev, filesystem fstype,
// at NewRoot) up to the boot server's current plan before the host starts:
// it writes the plan's role files, hostname and /etc/hosts, removes the
// role files the plan no longer has, remounts the root so that what was
// written is on the disks and not only in the journal, and reports the
// files as read back. A boot server that cannot be asked, or a plan that
// cannot be laid down, leaves the root as it was: the host comes up with
// the files it has (the provider, waiting for the report, says so). Only a
// failed remount is an error.
func (a *Agent) deliver(ctx context.Context, cfg BootConfig, dev, fstype string) error {
	if cfg.UnlockToken == "" || !strings.HasSuffix(cfg.UnlockURL, "/unlock") {
		a.Log.Warn("no boot server to take role files from: booting with the files on disk", "host", cfg.Hostname)
		return nil
	}
	api := a.unlockAPI(cfg)
	base := strings.TrimSuffix(cfg.UnlockURL, "/unlock")
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	bp, err := api.BootPlan(ctx, base+"/boot-plan")
	if err != nil {
		a.Log.Warn("boot plan not fetched: booting with the role files on disk", "host", cfg.Hostname, "err", err)
		return nil
	}
	d := a.onDisk(bp)
	if d == nil {
		if d, err = a.layDown(bp); err != nil {
			a.Log.Error("boot plan not laid down: booting with the role files on disk", "host", cfg.Hostname, "err", err)
			return nil
		}
		// unmount and mount again: the files are checkpointed to their
		// place on the disks (readable from outside, safe from a hard
		// power-off)
		if _, err := a.run(ctx, "boot", "umount", a.NewRoot); err != nil {
			return err
		}
		if _, err := a.run(ctx, "boot", "mount", "-t", fstype, dev, a.NewRoot); err != nil {
			return err
		}
	}
	if err := api.Delivered(ctx, base+"/delivered", *d); err != nil {
		a.Log.Warn("delivery not reported", "host", cfg.Hostname, "err", err)
		return nil
	}
	a.Log.Info("role files delivered", "host", bp.Hostname, "files", len(d.FileSums), "removed", len(d.Removed))
	return nil
}

// onDisk is the delivery report of a root that already holds bp (every
// file with its content and mode, the hostname, nothing to remove): the
// usual boot, which then writes nothing; nil when something differs.
func (a *Agent) onDisk(bp *plan.BootPlan) *plan.Delivery {
	if len(bp.Remove) > 0 {
		return nil
	}
	if bp.Hostname != "" {
		if b, err := os.ReadFile(filepath.Join(a.NewRoot, "etc/hostname")); err != nil || string(b) != bp.Hostname+"\n" {
			return nil
		}
	}
	d := &plan.Delivery{Hostname: bp.Hostname, FileSums: make(map[string]string, len(bp.Files)), Time: time.Now().UTC()}
	for _, f := range bp.Files {
		p := filepath.Join(a.NewRoot, f.Path)
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != fileMode(f).Perm() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != strings.ToLower(f.SHA256) {
			return nil
		}
		d.FileSums[f.Path] = f.SHA256
	}
	return d
}

// layDown writes bp into the root at NewRoot.
func (a *Agent) layDown(bp *plan.BootPlan) (*plan.Delivery, error) {
	for _, f := range bp.Files {
		if err := checkFile(f); err != nil {
			return nil, err
		}
	}
	for _, p := range bp.Remove {
		if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
			return nil, fmt.Errorf("%w: remove %q: not an absolute clean path", ErrUnsafePath, p)
		}
	}
	root := *a
	root.Target = a.NewRoot
	sums, err := root.writeFiles(bp.Files)
	if err != nil {
		return nil, err
	}
	if bp.Hostname != "" {
		hosts, err := hostsFile(bp.Hostname, bp.Network.Address)
		if err != nil {
			return nil, err
		}
		if err := root.writeFile("/etc/hostname", []byte(bp.Hostname+"\n"), 0o644); err != nil {
			return nil, err
		}
		if err := root.writeFile("/etc/hosts", []byte(hosts), 0o644); err != nil {
			return nil, err
		}
	}
	d := &plan.Delivery{Hostname: bp.Hostname, FileSums: sums, Time: time.Now().UTC()}
	for _, p := range bp.Remove {
		dst := filepath.Join(a.NewRoot, p)
		if real, err := filepath.EvalSymlinks(filepath.Dir(dst)); err == nil && !strings.HasPrefix(real+"/", filepath.Clean(a.NewRoot)+"/") {
			return nil, fmt.Errorf("%w: remove %s resolves outside the root", ErrUnsafePath, p)
		}
		if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("remove %s: %w", p, err)
		}
		d.Removed = append(d.Removed, p)
	}
	return d, nil
}
