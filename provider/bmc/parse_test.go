package bmc

import (
	"errors"
	"testing"
)

func TestParsePowerState(t *testing.T) {
	for raw, want := range map[string]PowerState{
		"Chassis Power is on\n":  PowerOn,
		"Chassis Power is off\n": PowerOff,
		"On":                     PowerOn,
		"Off":                    PowerOff,
		"PoweringOn":             PowerOn,
		"PoweringOff":            PowerOff,
	} {
		got, err := ParsePowerState(raw)
		if err != nil || got != want {
			t.Errorf("ParsePowerState(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{"", "Chassis Power is unknown", "Error: Unable to establish IPMI v2 / RMCP+ session"} {
		if _, err := ParsePowerState(raw); !errors.Is(err, ErrUnknownPowerState) {
			t.Errorf("ParsePowerState(%q): err = %v, want ErrUnknownPowerState", raw, err)
		}
	}
}

func TestPlanPower(t *testing.T) {
	for _, c := range []struct {
		action string
		state  PowerState
		want   string
	}{
		{"on", PowerOn, ""}, {"on", PowerOff, "on"},
		{"off", PowerOff, ""}, {"off", PowerOn, "off"},
		{"cycle", PowerOff, "on"}, {"cycle", PowerOn, "cycle"},
	} {
		if got := planPower(c.action, c.state); got != c.want {
			t.Errorf("planPower(%s, %s) = %q, want %q", c.action, c.state, got, c.want)
		}
	}
}
