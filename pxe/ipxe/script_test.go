package ipxe

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/pxe/store"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const fixedToken = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

func TestScriptGolden(t *testing.T) {
	cfg := Config{BaseURL: "http://10.11.0.2:8080/"}
	mac := "52:54:00:12:34:56"
	cases := map[string]store.Boot{
		"install":          {Kind: store.BootInstall, MAC: mac, Hostname: "mx1", Token: fixedToken, State: "pending"},
		"discover":         {Kind: store.BootDiscover, MAC: mac, Token: fixedToken},
		"wipe":             {Kind: store.BootWipe, MAC: mac, Hostname: "mx1", Token: fixedToken},
		"local":            {Kind: store.BootLocal, MAC: mac, Hostname: "mx1"},
		"none-unknown":     {Kind: store.BootNone, MAC: mac, Reason: "unknown host and discovery is disabled"},
		"none-quarantined": {Kind: store.BootNone, MAC: mac, Hostname: "mx1", Reason: "host is quarantined"},
		// iPXE expands ${...}: a hostile hostname must not reach the script as is.
		"local-hostile-name": {Kind: store.BootLocal, MAC: mac, Hostname: "x${net0/ip}\nshell"},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Script(b, cfg)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".ipxe")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("script differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
			if !strings.HasPrefix(got, "#!ipxe\n") {
				t.Errorf("script does not start with #!ipxe")
			}
			if strings.Contains(got, "${net0") || strings.Contains(got, "\nshell") {
				t.Errorf("hostile hostname reached the script")
			}
		})
	}
	if _, err := Script(store.Boot{Kind: store.BootInstall, MAC: mac}, cfg); err == nil {
		t.Error("install script without a token rendered")
	}
}

func TestCmdlineContract(t *testing.T) {
	got := Cmdline(Config{BaseURL: "http://10.21.0.2:8080", ExtraArgs: []string{"quiet"}},
		store.Boot{Kind: store.BootInstall, MAC: "52:54:00:12:34:56", Token: fixedToken})
	want := "initrd=initrd.img racksmith.server=http://10.21.0.2:8080 racksmith.token=" + fixedToken +
		" racksmith.mode=install racksmith.mac=52:54:00:12:34:56 console=ttyS0 quiet"
	if got != want {
		t.Errorf("cmdline\n got %s\nwant %s", got, want)
	}
}
