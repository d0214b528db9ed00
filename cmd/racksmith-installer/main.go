// Command racksmith-installer is the installer agent, started by the
// installer initramfs's /init. It reads /proc/cmdline and does what
// racksmith.mode says (install, discover, wipe, or boot from disk), then
// powers off, reboots, or (boot) returns to /init for switch_root.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"time"

	"github.com/racksmith/racksmith/images/agent"
	"github.com/racksmith/racksmith/images/agent/bootapi"
	"github.com/racksmith/racksmith/images/agent/cmdline"
	"github.com/racksmith/racksmith/images/agent/sysinfo"
)

func main() {
	start := time.Now()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("agent", "racksmith-installer")
	line, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		log.Error("read /proc/cmdline", "err", err)
		os.Exit(1)
	}
	cfg, err := cmdline.Parse(string(line))
	if err != nil {
		log.Error("kernel command line", "err", err)
		os.Exit(1)
	}
	os.Setenv("DM_DISABLE_UDEV", "1")
	os.MkdirAll("/run/cryptsetup", 0o700)
	a := &agent.Agent{
		Log:         log,
		Cfg:         cfg,
		Runner:      &agent.ExecRunner{Log: log, Env: []string{"DM_DISABLE_UDEV=1"}},
		Sys:         sysinfo.Reader{Root: "/"},
		Target:      "/target",
		NewRoot:     "/newroot",
		GPTMBR:      "/usr/lib/syslinux/gptmbr.bin",
		SystemdBoot: "/usr/lib/systemd/boot/efi/systemd-bootx64.efi",
		BootConfig:  "/etc/racksmith/boot.json",
		Start:       start,
	}
	if cfg.Mode != cmdline.ModeBoot {
		a.API = bootapi.New(cfg.Server, cfg.Token)
	}
	switch a.Run(context.Background()) {
	case agent.AfterSwitchRoot:
		if err := os.WriteFile("/run/racksmith/switch_root", nil, 0o644); err != nil {
			log.Error("mark switch_root", "err", err)
			os.Exit(1)
		}
		return
	case agent.AfterReboot:
		power(log, "reboot")
	default:
		power(log, "poweroff")
	}
}

// power ends the machine; /init powers off if this returns.
func power(log *slog.Logger, verb string) {
	log.Info("power", "action", verb)
	exec.Command("sync").Run()
	if out, err := exec.Command(verb, "-f").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "%s -f: %v %s\n", verb, err, out)
	}
	time.Sleep(5 * time.Second)
}
