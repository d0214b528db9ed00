package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Discover reports the machine's facts (with the discovery token) and stops.
func (a *Agent) Discover(ctx context.Context) error {
	if _, err := a.netUp(ctx, a.Cfg.MAC, a.Cfg.Address, a.Cfg.Gateway); err != nil {
		return err
	}
	f, err := a.Sys.Facts(a.Cfg.MAC)
	if err != nil {
		return err
	}
	if err := a.API.Facts(ctx, f); err != nil {
		return fmt.Errorf("report facts: %w", err)
	}
	a.Log.Info("facts reported", "stage", plan.StageInspect, "disks", len(f.Disks), "nics", len(f.NICs), "seconds", a.since())
	return nil
}

func (a *Agent) since() float64 { return time.Since(a.Start).Seconds() }
