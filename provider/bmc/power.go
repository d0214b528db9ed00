package bmc

import (
	"context"
	"fmt"
	"strings"
)

// PowerState is a host's power as the BMC reports it.
type PowerState string

// Power states.
const (
	PowerOn  PowerState = "on"
	PowerOff PowerState = "off"
)

// Power actions SetPower accepts.
const (
	ActionOn    = "on"
	ActionOff   = "off"
	ActionCycle = "cycle"
)

// ParsePowerState reads a driver's raw power state: ipmitool's text
// ("Chassis Power is on") or a Redfish PowerState ("On", "PoweringOff").
func ParsePowerState(raw string) (PowerState, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	s = strings.TrimPrefix(s, "chassis power is ")
	switch s {
	case "on", "poweringon":
		return PowerOn, nil
	case "off", "poweringoff":
		return PowerOff, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownPowerState, strings.TrimSpace(raw))
}

func readPower(ctx context.Context, s session) (PowerState, error) {
	raw, err := s.GetPowerState(ctx)
	if err != nil {
		return "", fmt.Errorf("get power state: %w", err)
	}
	return ParsePowerState(raw)
}

// PowerState asks the BMC whether the host is on.
func (c *Client) PowerState(ctx context.Context) (PowerState, error) {
	res, err := c.do(ctx, "power status", true, func(ctx context.Context, s session, _ *bool) (string, error) {
		st, err := readPower(ctx, s)
		return string(st), err
	})
	return PowerState(res), err
}

// SetPower powers the host "on", "off" or "cycle"s it. It reads the power
// state first: on and off leave a host already in that state alone, and a
// cycle of a host that is off powers it on.
func (c *Client) SetPower(ctx context.Context, action string) error {
	action = strings.ToLower(strings.TrimSpace(action))
	switch action {
	case ActionOn, ActionOff, ActionCycle:
	default:
		return fmt.Errorf("%w %q (want %q, %q or %q)", ErrUnsupportedAction, action, ActionOn, ActionOff, ActionCycle)
	}
	_, err := c.do(ctx, "power "+action, action != ActionCycle, func(ctx context.Context, s session, sent *bool) (string, error) {
		st, err := readPower(ctx, s)
		if err != nil {
			return "", err
		}
		cmd := planPower(action, st)
		if cmd == "" {
			return "already " + string(st), nil
		}
		*sent = true
		ok, err := s.SetPowerState(ctx, cmd)
		if err != nil {
			return "", fmt.Errorf("set power %s: %w", cmd, err)
		}
		if !ok {
			return "", fmt.Errorf("set power %s: %w", cmd, ErrCommandFailed)
		}
		return "was " + string(st) + ", sent " + cmd, nil
	})
	return err
}

// planPower decides the command that brings a host in state st to what
// action asks for; "" means nothing to do.
func planPower(action string, st PowerState) string {
	switch action {
	case ActionOn:
		if st == PowerOn {
			return ""
		}
		return "on"
	case ActionOff:
		if st == PowerOff {
			return ""
		}
		return "off"
	case ActionCycle:
		if st == PowerOff {
			return "on"
		}
		return "cycle"
	}
	return ""
}

// SetPXEOnce makes the host boot from the network at its next boot only
// (legacy BIOS boot, not persistent). It does not touch the power.
func (c *Client) SetPXEOnce(ctx context.Context) error {
	_, err := c.do(ctx, "boot device pxe once", true, func(ctx context.Context, s session, sent *bool) (string, error) {
		*sent = true
		ok, err := s.SetBootDevice(ctx, "pxe", false, false)
		if err != nil {
			return "", fmt.Errorf("set boot device pxe: %w", err)
		}
		if !ok {
			return "", fmt.Errorf("set boot device pxe: %w", ErrCommandFailed)
		}
		return "next boot pxe", nil
	})
	return err
}
