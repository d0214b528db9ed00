package provider

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/racksmith/racksmith/provider/bmc"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
)

// BootServer is the provisioning API of a site's boot server as the provider
// uses it (pxe/client implements it over HTTP).
type BootServer interface {
	// PutHost registers what the host does at its next PXE boot. The same
	// intent again changes nothing unless reinstall; it reports whether a new
	// attempt began.
	PutHost(ctx context.Context, mac string, in plan.Intent, reinstall bool) (plan.Status, bool, error)
	// GetHost reports what the boot server knows of the host; an unknown host
	// gives an error for which Deps.IsNotFound is true.
	GetHost(ctx context.Context, mac string) (plan.Status, error)
	// DeleteHost forgets the host. Safe to repeat.
	DeleteHost(ctx context.Context, mac string) error
	// Quarantine keeps the host out of service. Safe to repeat.
	Quarantine(ctx context.Context, mac string) (plan.Status, error)
}

// BMC is a server's baseboard management controller as the provider uses it
// (provider/bmc implements it over bmclib).
type BMC interface {
	// PowerState reports on or off. Safe to repeat.
	PowerState(ctx context.Context) (bmc.PowerState, error)
	// SetPower sets "on", "off" or "cycle". "cycle" is not idempotent.
	SetPower(ctx context.Context, state string) error
	// SetPXEOnce makes the next boot (only) a network boot. Safe to repeat.
	SetPXEOnce(ctx context.Context) error
}

var (
	_ BootServer = (*client.Client)(nil)
	_ BMC        = (*bmc.Client)(nil)
)

// Deps are the provider's connections to the outside: how to reach a boot
// server and a BMC. The zero value uses pxe/client and provider/bmc.
type Deps struct {
	// BootServer returns a client of the boot server at baseURL using the API token.
	BootServer func(baseURL, token string) (BootServer, error)
	// BMC returns a client of one server's BMC.
	BMC func(ep bmc.Endpoint, log *slog.Logger) (BMC, error)
	// IsNotFound tells whether a BootServer error means "unknown host".
	IsNotFound func(error) bool
	// Log receives the provider's own diagnostics (never secrets).
	Log *slog.Logger
	// PollInterval is how often the boot server is asked for progress (default 1s).
	PollInterval time.Duration
	// PowerCheckInterval is how often the BMC is asked, while an installer
	// runs, whether the host is still on (default 5s).
	PowerCheckInterval time.Duration
}

func (d Deps) withDefaults() Deps {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.PollInterval <= 0 {
		d.PollInterval = time.Second
	}
	if d.PowerCheckInterval <= 0 {
		d.PowerCheckInterval = 5 * time.Second
	}
	if d.IsNotFound == nil {
		d.IsNotFound = func(err error) bool { return errors.Is(err, client.ErrNotFound) }
	}
	if d.BootServer == nil {
		d.BootServer = func(baseURL, token string) (BootServer, error) { return client.New(baseURL, token, nil) }
	}
	if d.BMC == nil {
		d.BMC = func(ep bmc.Endpoint, log *slog.Logger) (BMC, error) { return bmc.New(ep, log), nil }
	}
	return d
}
