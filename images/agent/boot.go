package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/racksmith/racksmith/images/agent/bootapi"
	"github.com/racksmith/racksmith/images/agent/diskplan"
	"github.com/racksmith/racksmith/pxe/plan"
)

// Boot is the installed host's boot from its own disks: assemble the arrays,
// fetch the LUKS key from the boot server with the unlock token (into memory
// only), open the root and mount it on NewRoot for /init to switch_root into.
func (a *Agent) Boot(ctx context.Context) error {
	b, err := os.ReadFile(a.BootConfig)
	if err != nil {
		return fmt.Errorf("boot config: %w", err)
	}
	var cfg BootConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		return fmt.Errorf("boot config %s: %w", a.BootConfig, err)
	}
	if _, err := a.netUp(ctx, cfg.MAC, cfg.Address, cfg.Gateway); err != nil {
		return err
	}
	var root *BootArray
	for i, ar := range cfg.Arrays {
		if _, err := a.run(ctx, "boot", "mdadm", "--assemble", ar.Device, "--run", "--uuid="+ar.UUID); err != nil {
			return err
		}
		if ar.Mount == "/" {
			root = &cfg.Arrays[i]
		}
	}
	if root == nil {
		return fmt.Errorf("boot config has no array mounted at /")
	}
	dev := root.Device
	if root.Encrypt {
		switch cfg.KeySource {
		case "tang":
			// the Tang servers unlock it (clevis): no key from the boot server
			if err := a.unlockTang(ctx, root.Device, root.Name); err != nil {
				return fmt.Errorf("unlock with tang: %w", err)
			}
		case "bootserver":
			if err := a.unlockBootServer(ctx, cfg, root); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: key source %q at boot", ErrNotImplemented, cfg.KeySource)
		}
		dev = "/dev/mapper/" + root.Name
	}
	if err := os.MkdirAll(a.NewRoot, 0o755); err != nil {
		return err
	}
	if _, err := a.run(ctx, "boot", "mount", "-t", root.FS, dev, a.NewRoot); err != nil {
		return err
	}
	if err := a.deliver(ctx, cfg, dev, root.FS); err != nil {
		return err
	}
	for _, ar := range cfg.Arrays {
		if ar.Mount != "" && ar.Mount != "/" && !ar.Encrypt {
			dir := filepath.Join(a.NewRoot, ar.Mount)
			if err := os.MkdirAll(dir, 0o755); err == nil {
				a.run(ctx, "boot", "mount", "-t", ar.FS, ar.Device, dir)
			}
		}
	}
	a.Log.Info("root unlocked and mounted", "host", cfg.Hostname, "stage", plan.StageBooted, "seconds", a.since())
	return nil
}

// unlockBootServer opens the root with the key the boot server hands to
// the unlock token (kept in memory only).
func (a *Agent) unlockBootServer(ctx context.Context, cfg BootConfig, root *BootArray) error {
	key, err := a.unlockAPI(cfg).Unlock(ctx, cfg.UnlockURL)
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	defer clear(key)
	step := diskplan.Step{Stage: "boot", Argv: []string{"cryptsetup", "open", "--type", "luks2", "--key-file", "-", root.Device, root.Name}, Stdin: diskplan.StdinKey}
	_, err = a.Runner.Run(ctx, step, key)
	return err
}

// unlockAPI is the boot server as the installed host's initramfs asks it:
// with the unlock token of its boot config.
func (a *Agent) unlockAPI(cfg BootConfig) API {
	if a.API != nil {
		return a.API
	}
	return bootapi.New("", cfg.UnlockToken)
}
