package inventory

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./inventory -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the analysis (go test ./inventory -run %s -update rewrites it):\n%s", path, t.Name(), got)
	}
}

// The analysis of both stacks is pinned by golden files: placement per
// role, every what-if and every PDU's load.
func TestReportGolden(t *testing.T) {
	for _, name := range []string{"lab", "example"} {
		_, rep, diags := Check(stackDir(name))
		if diags.HasErrors() || rep == nil {
			t.Fatalf("Check(%s): %v", name, diags)
		}
		js, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name+"-report.json", append(js, '\n'))
		var txt bytes.Buffer
		if err := rep.WriteText(&txt); err != nil {
			t.Fatal(err)
		}
		golden(t, name+"-report.txt", txt.Bytes())
	}
}

// The power model: normal load splits a dual-PSU server's draw, failover
// puts the whole draw on the surviving feed, a single-PSU server dies with
// its PDU.
func TestPowerFailover(t *testing.T) {
	inv, diags := LoadSources("mem", map[string][]byte{"p.hcl": []byte(`
pdu "a" {
  site       = "s"
  feed       = "A"
  capacity_w = 1000
  outlets    = 4
}
pdu "b" {
  site       = "s"
  feed       = "B"
  capacity_w = 1000
  outlets    = 4
}
server "dual" {
  site   = "s"
  rack   = "r"
  u      = 1
  serial = "1"
  psu {
    pdu    = "a"
    outlet = 1
    watts  = 400
  }
  psu {
    pdu    = "b"
    outlet = 1
    watts  = 400
  }
}
server "single" {
  site   = "s"
  rack   = "r"
  u      = 2
  serial = "2"
  psu {
    pdu    = "a"
    outlet = 2
    watts  = 300
  }
}
`)})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	loads := Power(inv)
	a, b := loads[0], loads[1]
	if a.NormalW != 200+300 || a.FailoverW != 400+300 || a.Partner != "b" {
		t.Errorf("pdu a: %+v, want normal 500 W, failover 700 W with partner b", a)
	}
	if b.NormalW != 200 || b.FailoverW != 400 || b.Partner != "a" {
		t.Errorf("pdu b: %+v, want normal 200 W, failover 400 W", b)
	}
	for _, f := range WhatIf(inv) {
		want := map[string]string{"a": "single", "b": ""}[f.Name]
		if got := strings.Join(f.Down, ","); got != want {
			t.Errorf("loss of pdu %s takes down %q, want %q", f.Name, got, want)
		}
	}
}

// A literal secret is reported but never echoed: not in the diagnostic and
// not in the source snippet printed with it.
func TestLiteralSecretsNotEchoed(t *testing.T) {
	for dir, secret := range map[string]string{
		"testdata/invalid/literal-password-attr":       "hunter2",
		"testdata/invalid/literal-credential-password": "Sup3rS3cret!",
	} {
		inv, _, diags := Check(dir)
		if !diags.HasErrors() {
			t.Fatalf("%s: no error", dir)
		}
		var out bytes.Buffer
		w := hcl.NewDiagnosticTextWriter(&out, RedactedFiles(inv.Files, diags), 100, false)
		if err := w.WriteDiagnostics(diags); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "Literal secret") {
			t.Errorf("%s: no literal-secret diagnostic in\n%s", dir, out.String())
		}
		if strings.Contains(out.String(), secret) {
			t.Errorf("%s: secret printed:\n%s", dir, out.String())
		}
	}
}

// A misspelled secret attribute (an unknown argument, not a literal-secret
// finding) is not echoed in the snippet either: credential attributes but
// username, and attributes with a secret's name, are masked in every file
// a diagnostic points into; the attribute's name and the username stay.
func TestMisspelledSecretNotEchoed(t *testing.T) {
	src := map[string][]byte{"creds.hcl": []byte(`credential "bmc" {
  username = "admin"
  passwd   = "hunter2secret"
}
site "x" {
  region       = "r"
  api_token_x  = "tok-3b9f0e"
}
`)}
	inv, diags := LoadSources("mem", src)
	if !diags.HasErrors() {
		t.Fatal("no error for an unknown attribute")
	}
	var out bytes.Buffer
	if err := hcl.NewDiagnosticTextWriter(&out, RedactedFiles(inv.Files, diags), 100, false).WriteDiagnostics(diags); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"hunter2secret", "tok-3b9f0e"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("secret %q printed:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "passwd") || !strings.Contains(out.String(), "creds.hcl") {
		t.Errorf("the diagnostic lost its attribute or file:\n%s", out.String())
	}
}
