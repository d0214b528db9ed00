package bmc

import "context"

// PowerStateGetter reports whether a host is powered on. Safe to repeat: it
// changes nothing on the BMC or the host.
type PowerStateGetter interface {
	PowerState(ctx context.Context) (PowerState, error)
}

// PowerSetter changes a host's power. "on" and "off" are safe to repeat: a
// host already in the wanted state is left alone. "cycle" is not: each call
// restarts a running host (a host that is off is only powered on).
type PowerSetter interface {
	SetPower(ctx context.Context, action string) error
}

// BootDeviceSetter makes the host boot from the network at its next boot
// only. Safe to repeat: setting the same one-time override again changes
// nothing; it does not power the host on or restart it.
type BootDeviceSetter interface {
	SetPXEOnce(ctx context.Context) error
}

var (
	_ PowerStateGetter = (*Client)(nil)
	_ PowerSetter      = (*Client)(nil)
	_ BootDeviceSetter = (*Client)(nil)
)
