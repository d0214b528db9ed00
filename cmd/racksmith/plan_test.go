package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func planExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return -1
}

// `racksmith plan --stack example --format json` passes and its report is
// the analysis pinned in inventory/testdata/golden.
func TestPlanExampleJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runPlan(context.Background(), &out, &errOut, planFlags{stack: "example", stacksDir: "../../stacks", format: "json", detailed: true})
	if code := planExitCode(err); code != 0 {
		t.Fatalf("exit %d (%v); stderr:\n%s", code, err, errOut.String())
	}
	var got struct {
		Valid       bool            `json:"valid"`
		ErrorCount  int             `json:"error_count"`
		Report      json.RawMessage `json:"report"`
		Changes     json.RawMessage `json:"changes"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			Range    struct {
				Filename string `json:"filename"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if !got.Valid || got.ErrorCount != 0 || string(got.Changes) != "null" {
		t.Errorf("valid=%v errors=%d changes=%s", got.Valid, got.ErrorCount, got.Changes)
	}
	for _, d := range got.Diagnostics {
		if !strings.HasPrefix(d.Range.Filename, filepath.Join("../../stacks/example")) {
			t.Errorf("diagnostic names file %q", d.Range.Filename)
		}
	}
	want, err := os.ReadFile("../../inventory/testdata/golden/example-report.json")
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := json.Compact(&a, got.Report); err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&b, want); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("plan report differs from inventory/testdata/golden/example-report.json")
	}
	for _, key := range []string{`"what_if"`, `"by_site"`, `"failover_w"`, `"spof"`} {
		if !strings.Contains(out.String(), key) {
			t.Errorf("plan JSON lacks %s", key)
		}
	}
}

// Every broken fixture fails `inventory validate` with exit 1 and names the
// marked file and line.
func TestInventoryValidateFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("../../inventory/testdata/invalid/*")
	if len(dirs) == 0 {
		t.Fatal("no fixtures found")
	}
	marker := regexp.MustCompile(`#\s*ERROR:`)
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.hcl"))
		var file string
		line := 0
		for _, f := range files {
			src, _ := os.ReadFile(f)
			for i, l := range strings.Split(string(src), "\n") {
				if marker.MatchString(l) && line == 0 {
					file, line = f, i+1
				}
			}
		}
		if line == 0 {
			continue // a warning-only fixture
		}
		var out, errOut bytes.Buffer
		err := runInventoryValidate(&out, &errOut, dir, "text")
		if code := planExitCode(err); code != 1 {
			t.Errorf("%s: exit %d, want 1", dir, code)
		}
		want := "on " + file + " line " + itoa(line)
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("%s: stderr lacks %q:\n%s", dir, want, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if err := runInventoryValidate(&out, &errOut, "../../stacks/lab", "json"); err != nil {
		t.Fatalf("lab: %v", err)
	}
	if !strings.Contains(out.String(), `"valid": true`) {
		t.Errorf("lab JSON: %s", out.String())
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// fmt --check exits 1 on a badly laid out file and fmt fixes it.
func TestInventoryFmt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.hcl")
	if err := os.WriteFile(path, []byte("rack \"r1\" {\nsite=\"fra1\"\n    height   = 42\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := planExitCode(runInventoryFmt(&out, &errOut, dir, true)); code != 1 {
		t.Fatalf("fmt --check exit %d, want 1", code)
	}
	if code := planExitCode(runInventoryFmt(&out, &errOut, dir, false)); code != 0 {
		t.Fatalf("fmt exit %d", code)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "rack \"r1\" {\n  site   = \"fra1\"\n  height = 42\n}\n" {
		t.Errorf("formatted:\n%s", got)
	}
	if code := planExitCode(runInventoryFmt(&out, &errOut, dir, true)); code != 0 {
		t.Fatalf("fmt --check after fmt exit %d", code)
	}
}
