package inventory

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// marker is an expected diagnostic written in a fixture as a comment on the
// line it must point at: `# ERROR: substring` or `# WARNING: substring`.
type marker struct {
	file     string
	line     int
	severity hcl.DiagnosticSeverity
	text     string
}

var markerRE = regexp.MustCompile(`#\s*(ERROR|WARNING):\s*(.+?)\s*$`)

func readMarkers(t *testing.T, dir string) []marker {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.hcl"))
	var out []marker
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for line := 1; sc.Scan(); line++ {
			m := markerRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			sev := hcl.DiagError
			if m[1] == "WARNING" {
				sev = hcl.DiagWarning
			}
			out = append(out, marker{f, line, sev, m[2]})
		}
		fh.Close()
	}
	return out
}

// TestInvalidFixtures loads each broken stack in testdata/invalid and checks
// that every expected diagnostic is reported at the marked file and line,
// and that no error is reported anywhere else.
func TestInvalidFixtures(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*"))
	if len(dirs) < 20 {
		t.Fatalf("found %d fixtures in testdata/invalid", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			markers := readMarkers(t, dir)
			if len(markers) == 0 {
				t.Fatalf("%s has no # ERROR: or # WARNING: marker", dir)
			}
			_, _, diags := Check(dir)
			if !diags.HasErrors() && markers[0].severity == hcl.DiagError {
				t.Fatalf("no error reported; diagnostics: %v", diags)
			}
			for _, m := range markers {
				found := false
				for _, d := range diags {
					text := d.Summary + ": " + d.Detail
					if d.Severity == m.severity && d.Subject != nil && d.Subject.Filename == m.file &&
						d.Subject.Start.Line == m.line && strings.Contains(text, m.text) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("%s:%d: want %v containing %q; got:\n%s", m.file, m.line, sevName(m.severity), m.text, dumpDiags(diags))
				}
			}
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				expected := false
				for _, m := range markers {
					if d.Subject != nil && d.Subject.Filename == m.file && d.Subject.Start.Line == m.line {
						expected = true
					}
				}
				if !expected {
					t.Errorf("unexpected error: %s", dumpDiags(hcl.Diagnostics{d}))
				}
			}
		})
	}
}

func sevName(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagWarning {
		return "warning"
	}
	return "error"
}

func dumpDiags(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		loc := "(no location)"
		if d.Subject != nil {
			loc = where(*d.Subject)
		}
		b.WriteString("  " + sevName(d.Severity) + " " + loc + ": " + d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}
