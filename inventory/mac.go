package inventory

import (
	"fmt"
	"strings"
)

// NormalizeMAC accepts a 48-bit MAC address in any common spelling — colon
// or dash separated pairs ("52:54:00:AB:CD:EF", "52-54-00-ab-cd-ef"), Cisco
// dotted triplets ("5254.00ab.cdef") or bare hex ("525400ABCDEF") — and
// returns it lowercase and colon separated.
func NormalizeMAC(s string) (string, error) {
	in := strings.TrimSpace(s)
	var hex string
	switch {
	case strings.Count(in, ":") == 5 || strings.Count(in, "-") == 5:
		sep := ":"
		if strings.Contains(in, "-") {
			sep = "-"
		}
		parts := strings.Split(in, sep)
		for _, p := range parts {
			if len(p) != 2 {
				return "", fmt.Errorf("%w %q: groups must be two hex digits", ErrBadMAC, s)
			}
		}
		hex = strings.Join(parts, "")
	case strings.Count(in, ".") == 2:
		parts := strings.Split(in, ".")
		for _, p := range parts {
			if len(p) != 4 {
				return "", fmt.Errorf("%w %q: dotted groups must be four hex digits", ErrBadMAC, s)
			}
		}
		hex = strings.Join(parts, "")
	default:
		hex = in
	}
	if len(hex) != 12 {
		return "", fmt.Errorf("%w %q: want 6 bytes (e.g. 52:54:00:12:34:56)", ErrBadMAC, s)
	}
	var b strings.Builder
	b.Grow(17)
	for i := 0; i < 12; i++ {
		c := hex[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			c += 'a' - 'A'
		default:
			return "", fmt.Errorf("%w %q: %q is not a hex digit", ErrBadMAC, s, c)
		}
		if i > 0 && i%2 == 0 {
			b.WriteByte(':')
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}
