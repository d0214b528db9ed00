package store

import (
	"fmt"
	"net"
	"strings"
)

// NormalizeMAC accepts a 48-bit MAC in any common spelling (colons, hyphens,
// Cisco dots, bare hex, any case) and returns it lowercase and colon
// separated, the form used everywhere in racksmith.
func NormalizeMAC(s string) (string, error) {
	t := strings.TrimSpace(s)
	if len(t) == 12 && !strings.ContainsAny(t, ":-.") {
		var b strings.Builder
		for i := 0; i < 12; i += 2 {
			if i > 0 {
				b.WriteByte(':')
			}
			b.WriteString(t[i : i+2])
		}
		t = b.String()
	}
	hw, err := net.ParseMAC(t)
	if err != nil || len(hw) != 6 {
		return "", fmt.Errorf("%w: mac %q is not a 48-bit MAC address", ErrInvalid, s)
	}
	return hw.String(), nil
}
