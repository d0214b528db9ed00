package tftp

import (
	"fmt"
	"path"
	"strings"
)

// MaxNameLen bounds a requested file name.
const MaxNameLen = 255

// Resolve turns a requested file name into a clean path relative to the
// server's root, or refuses it: empty or over-long names, NUL, control
// characters, backslashes, absolute paths and any ".." element are refused
// with ErrUnsafePath. Symlinks are checked when the file is opened (os.Root
// refuses any that lead out of the root). Pure.
func Resolve(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty file name", ErrUnsafePath)
	case len(name) > MaxNameLen:
		return "", fmt.Errorf("%w: file name of %d bytes exceeds %d", ErrUnsafePath, len(name), MaxNameLen)
	case strings.HasPrefix(name, "/"):
		return "", fmt.Errorf("%w: absolute path %q", ErrUnsafePath, name)
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == 0:
			return "", fmt.Errorf("%w: NUL byte at offset %d", ErrUnsafePath, i)
		case c == '\\':
			return "", fmt.Errorf("%w: backslash at offset %d in %q", ErrUnsafePath, i, name)
		case c < 0x20 || c == 0x7f:
			return "", fmt.Errorf("%w: control character 0x%02x at offset %d", ErrUnsafePath, c, i)
		}
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return "", fmt.Errorf("%w: %q climbs out with \"..\"", ErrUnsafePath, name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", fmt.Errorf("%w: %q names the root itself", ErrUnsafePath, name)
	}
	return clean, nil
}
