package osdef

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShippedDefinitions: every images/os/*.json loads.
func TestShippedDefinitions(t *testing.T) {
	files, _ := filepath.Glob("../os/*.json")
	if len(files) < 2 {
		t.Fatalf("expected the lab busybox and a mmdebstrap definition in images/os, found %v", files)
	}
	kinds := map[string]bool{}
	for _, f := range files {
		d, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		kinds[d.Kind] = true
	}
	if !kinds[KindBusybox] || !kinds[KindMmdebstrap] {
		t.Errorf("kinds %v: want both busybox and mmdebstrap", kinds)
	}
}

// TestErrors: loading each testdata/bad-*.json fails with the message in
// its .want sibling (file:line, field).
func TestErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad-*.json")
	if len(files) == 0 {
		t.Fatal("no error fixtures")
	}
	for _, f := range files {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".want")
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(f)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), strings.TrimSpace(string(want))) {
			t.Errorf("%s: error %v, want %q", f, err, strings.TrimSpace(string(want)))
		}
	}
}
