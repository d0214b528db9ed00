package cmdline

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	c, err := Parse("BOOT_IMAGE=x racksmith.server=http://10.11.0.2:8080/ racksmith.token=s3cret racksmith.mode=install racksmith.mac=52:54:00:AA:BB:01 racksmith.ip=10.11.0.21/24 console=ttyS0\n")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Server: "http://10.11.0.2:8080", Token: "s3cret", Mode: ModeInstall, MAC: "52:54:00:aa:bb:01", Address: "10.11.0.21/24"}
	if c != want {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if c, err := Parse("racksmith.mode=boot racksmith.mac=52:54:00:aa:bb:01"); err != nil || c.Mode != ModeBoot {
		t.Fatalf("boot mode: %+v %v", c, err)
	}
}

func TestParseErrors(t *testing.T) {
	for line, field := range map[string]string{
		"racksmith.token=t racksmith.mode=install racksmith.mac=52:54:00:aa:bb:01":                                          "racksmith.server",
		"racksmith.server=ftp://x racksmith.token=t racksmith.mode=install racksmith.mac=52:54:00:aa:bb:01":                 "racksmith.server",
		"racksmith.server=http://x racksmith.mode=wipe racksmith.mac=52:54:00:aa:bb:01":                                     "racksmith.token",
		"racksmith.server=http://x racksmith.token=t racksmith.mode=dance racksmith.mac=52:54:00:aa:bb:01":                  "racksmith.mode",
		"racksmith.server=http://x racksmith.token=t racksmith.mode=install racksmith.mac=nope":                             "racksmith.mac",
		"racksmith.server=http://x racksmith.token=t racksmith.mode=install racksmith.mac=52:54:00:aa:bb:01 racksmith.ip=1": "racksmith.ip",
	} {
		_, err := Parse(line)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), field) {
			t.Errorf("%q: error %v does not name %s", line, err, field)
		}
		if err != nil && strings.Contains(err.Error(), "=t ") {
			t.Errorf("error leaks the token: %v", err)
		}
	}
}
