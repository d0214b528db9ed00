// Package osdef reads OS image definitions (images/os/*.json): the root
// filesystem laid on a host's encrypted array. Kind "busybox" is the lab's
// small root built from Debian's busybox-static (images/os/build-busybox.sh);
// kind "mmdebstrap" is a real Debian root (suite, mirror, variant, packages)
// for mmdebstrap. Errors name file:line and field.
package osdef

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by every definition error.
var ErrInvalid = errors.New("invalid OS image definition")

// Kinds of image.
const (
	KindBusybox    = "busybox"
	KindMmdebstrap = "mmdebstrap"
)

// Definition is one OS image.
type Definition struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Suite    string   `json:"suite,omitempty"`   // mmdebstrap
	Mirror   string   `json:"mirror,omitempty"`  // mmdebstrap
	Variant  string   `json:"variant,omitempty"` // mmdebstrap: minbase, important, …
	Packages []string `json:"packages"`
	Files    []File   `json:"files"`
}

// File is copied into the image from Source (relative to the definition).
type File struct {
	Path   string `json:"path"`
	Source string `json:"source"`
	Mode   string `json:"mode"` // octal, e.g. "0755"
}

// Load reads and checks one definition.
func Load(file string) (*Definition, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("os image definition: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Definition
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%s:%d: %w: %v", file, line(b, dec.InputOffset(), err), ErrInvalid, err)
	}
	at := func(field string) string { return fmt.Sprintf("%s:%d", file, fieldLine(b, field)) }
	switch {
	case d.Name == "":
		return nil, fmt.Errorf("%s: %w: field name: required", at("name"), ErrInvalid)
	case d.Kind != KindBusybox && d.Kind != KindMmdebstrap:
		return nil, fmt.Errorf("%s: %w: field kind: %q is not busybox or mmdebstrap", at("kind"), ErrInvalid, d.Kind)
	case d.Kind == KindMmdebstrap && d.Suite == "":
		return nil, fmt.Errorf("%s: %w: field suite: required for mmdebstrap", at("kind"), ErrInvalid)
	case d.Kind == KindBusybox && !contains(d.Packages, "busybox-static"):
		return nil, fmt.Errorf("%s: %w: field packages: busybox needs busybox-static", at("packages"), ErrInvalid)
	}
	for i, f := range d.Files {
		where := at(`"` + f.Path + `"`)
		if !path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path {
			return nil, fmt.Errorf("%s: %w: field files[%d].path: %q is not an absolute clean path", where, ErrInvalid, i, f.Path)
		}
		if m, err := strconv.ParseUint(f.Mode, 8, 32); err != nil || m > 0o7777 {
			return nil, fmt.Errorf("%s: %w: field files[%d].mode: %q is not an octal mode", where, ErrInvalid, i, f.Mode)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(file), f.Source)); err != nil {
			return nil, fmt.Errorf("%s: %w: field files[%d].source: %v", where, ErrInvalid, i, err)
		}
	}
	return &d, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// line is the 1-based line of a decode error (syntax and type errors carry
// their offset; others fall back to the decoder's position).
func line(b []byte, off int64, err error) int {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return fieldLine(b, f)
		}
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	return 1 + bytes.Count(b[:off], []byte("\n"))
}

// fieldLine is the line where "field" (or a quoted value) first appears, 1 if absent.
func fieldLine(b []byte, field string) int {
	needle := field
	if !strings.HasPrefix(field, `"`) {
		needle = `"` + field + `"`
	}
	i := bytes.Index(b, []byte(needle))
	if i < 0 {
		return 1
	}
	return 1 + bytes.Count(b[:i], []byte("\n"))
}
