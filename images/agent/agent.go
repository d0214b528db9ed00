// Package agent is the racksmith installer agent: it runs from the installer
// initramfs, brings up the provisioning NIC, reports the machine's facts,
// and installs (RAID, LUKS2, filesystems, OS image, role files, bootloader),
// wipes, or discovers, as the kernel command line says; at a boot from disk
// it unlocks the root array for the initramfs. It knows no Pulumi: it speaks
// only the boot server's agent endpoints (pxe/plan types).
package agent

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/racksmith/racksmith/images/agent/bootapi"
	"github.com/racksmith/racksmith/images/agent/cmdline"
	"github.com/racksmith/racksmith/images/agent/sysinfo"
	"github.com/racksmith/racksmith/pxe/plan"
)

// API is the boot server as the agent uses it.
type API interface {
	Plan(ctx context.Context) (*plan.Plan, error)
	Key(ctx context.Context) ([]byte, error)
	RecoveryKey(ctx context.Context) ([]byte, error)
	Facts(ctx context.Context, f plan.Facts) error
	Event(ctx context.Context, e plan.Event) error
	Result(ctx context.Context, r plan.Result) error
	Unlock(ctx context.Context, url string) ([]byte, error)
	BootPlan(ctx context.Context, url string) (*plan.BootPlan, error)
	Delivered(ctx context.Context, url string, d plan.Delivery) error
}

var _ API = (*bootapi.Client)(nil)

// After is what the machine does when the agent returns.
type After string

// What happens after the agent.
const (
	AfterPoweroff   After = "poweroff"
	AfterReboot     After = "reboot"
	AfterSwitchRoot After = "switch_root" // /newroot is ready (boot from disk)
)

// Agent holds everything one run needs.
type Agent struct {
	Log     *slog.Logger
	Cfg     cmdline.Config
	API     API
	Runner  Runner
	Sys     sysinfo.Reader
	Net     NetUp
	Target  string // where the installed root is mounted, e.g. /target
	NewRoot string // where the boot mode mounts the root, e.g. /newroot
	// Files are paths inside the installer image.
	GPTMBR string // /usr/lib/syslinux/gptmbr.bin
	// SystemdBoot is systemd-boot's UEFI binary (Debian systemd-boot-efi),
	// copied to every disk's ESP as \EFI\BOOT\BOOTX64.EFI.
	SystemdBoot string // /usr/lib/systemd/boot/efi/systemd-bootx64.efi
	BootConfig  string // /etc/racksmith/boot.json (boot mode)
	Start       time.Time
}

// Run does what the mode says and tells the caller what to do next.
func (a *Agent) Run(ctx context.Context) After {
	if a.Start.IsZero() {
		a.Start = time.Now()
	}
	a.Log.Info("agent start", "mode", a.Cfg.Mode, "mac", a.Cfg.MAC, "server", a.Cfg.Server)
	switch a.Cfg.Mode {
	case cmdline.ModeBoot:
		if err := a.Boot(ctx); err != nil {
			a.Log.Error("boot from disk failed", "err", err)
			return AfterPoweroff
		}
		return AfterSwitchRoot
	case cmdline.ModeDiscover:
		if err := a.Discover(ctx); err != nil {
			a.Log.Error("discovery failed", "err", err)
		}
		return AfterPoweroff
	case cmdline.ModeWipe:
		a.finish(ctx, plan.ModeWipe, a.Wipe(ctx), nil)
		return AfterPoweroff
	default:
		res := &plan.Result{}
		p, err := a.Install(ctx, res)
		a.finish(ctx, plan.ModeInstall, err, res)
		if err == nil && p != nil && p.After == "reboot" {
			return AfterReboot
		}
		return AfterPoweroff
	}
}

// event reports progress; a lost event is logged, not fatal.
func (a *Agent) event(ctx context.Context, stage string, pct int, msg string) {
	a.Log.Info("stage", "stage", stage, "percent", pct, "msg", msg, "t", time.Since(a.Start).Seconds())
	if a.API == nil {
		return
	}
	e := plan.Event{MAC: a.Cfg.MAC, Stage: stage, Percent: pct, Message: msg, Time: time.Now().UTC()}
	if err := a.API.Event(ctx, e); err != nil {
		a.Log.Warn("event not delivered", "stage", stage, "err", err)
	}
}

// finish posts the final result (ok, or the failed stage with its output).
func (a *Agent) finish(ctx context.Context, mode plan.Mode, err error, res *plan.Result) {
	if res == nil {
		res = &plan.Result{}
	}
	res.MAC, res.Mode, res.OK = a.Cfg.MAC, mode, err == nil
	res.Seconds, res.Time = time.Since(a.Start).Seconds(), time.Now().UTC()
	if err != nil {
		res.Stage, res.Error = plan.StageStart, err.Error()
		var se *StageError
		if errors.As(err, &se) {
			res.Stage, res.Output = se.Stage, tail(se.Output, 4000)
		}
		a.Log.Error("failed", "stage", res.Stage, "err", err, "output", res.Output)
	} else {
		res.Stage = plan.StageDone
		a.Log.Info("done", "mode", mode, "seconds", res.Seconds)
	}
	if a.API == nil {
		return
	}
	for i := 0; i < 3; i++ {
		if perr := a.API.Result(ctx, *res); perr == nil {
			return
		} else {
			a.Log.Warn("result not delivered", "err", perr)
		}
		time.Sleep(time.Second)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
