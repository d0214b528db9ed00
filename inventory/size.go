package inventory

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40, "pib": 1 << 50,
}

// ParseSize reads a disk size such as "512MiB", "3.84TB" or "1024": SI units
// (kB, MB, GB, TB, PB) are powers of 1000, IEC units (KiB … PiB) and bare
// K/M/G/T powers of 1024. Unit case does not matter.
func ParseSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && (in[i] >= '0' && in[i] <= '9' || in[i] == '.') {
		i++
	}
	num, unit := in[:i], strings.ToLower(strings.TrimSpace(in[i:]))
	if num == "" {
		return 0, fmt.Errorf("%w %q: want a number and a unit, e.g. \"512MiB\" or \"3.84TB\"", ErrBadSize, s)
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf("%w %q: unknown unit %q (use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)", ErrBadSize, s, in[i:])
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%w %q: %w", ErrBadSize, s, err)
	}
	v := math.Round(f * mult)
	if v <= 0 || v > math.MaxInt64/2 {
		return 0, fmt.Errorf("%w %q: out of range", ErrBadSize, s)
	}
	return int64(v), nil
}

// FormatSize writes bytes in the unit, decimal (kB … PB, as disk vendors
// label them) or binary (KiB … PiB), that keeps it whole with the smallest
// number, else in bytes; ParseSize reads it back. A 3.84 TB disk is
// "3840GB", a 512 MiB one "512MiB".
func FormatSize(n int64) string {
	best, unit := n, "B"
	try := func(m int64, u string) {
		if n >= m && n%m == 0 && n/m < best {
			best, unit = n/m, u
		}
	}
	for i, u := range []string{"kB", "MB", "GB", "TB", "PB"} {
		m := int64(1)
		for range i + 1 {
			m *= 1000
		}
		try(m, u)
	}
	for i, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		try(int64(1)<<(10*(i+1)), u)
	}
	return strconv.FormatInt(best, 10) + unit
}
