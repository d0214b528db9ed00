package inventory

import "testing"

func TestNormalizeMAC(t *testing.T) {
	for _, in := range []string{
		"52:54:00:ab:cd:ef", "52:54:00:AB:CD:EF", "52-54-00-ab-cd-ef",
		"5254.00ab.cdef", "5254.00AB.CDEF", "525400abcdef", "525400ABCDEF", " 52:54:00:Ab:cD:eF ",
	} {
		got, err := NormalizeMAC(in)
		if err != nil || got != "52:54:00:ab:cd:ef" {
			t.Errorf("NormalizeMAC(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "52:54:00:ab:cd", "52:54:00:ab:cd:eg", "5254.00ab.cdef.0000", "52:54:0:ab:cd:eff", "525400abcdef00", "52:54-00:ab:cd:ef"} {
		if got, err := NormalizeMAC(in); err == nil {
			t.Errorf("NormalizeMAC(%q) = %q, want error", in, got)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"512MiB": 512 << 20, "3.84TB": 3_840_000_000_000, "1024": 1024, "2GiB": 2 << 30, "500gb": 500e9, "1 TiB": 1 << 40,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
		if got, _ := ParseSize(FormatSize(want)); got != want {
			t.Errorf("FormatSize(%d) = %q does not read back", want, FormatSize(want))
		}
	}
	for _, in := range []string{"", "MiB", "12XB", "-5GB", "1.2.3GB", "0"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want error", in, got)
		}
	}
}

// FormatSize picks the unit that keeps the number whole and smallest, as a
// technician would write the size down from the disk's label.
func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		3_840_000_000_000: "3840GB", 512 << 20: "512MiB", 1 << 40: "1TiB", 4e12: "4TB", 1023: "1023B", 1536: "1536B", 2048: "2KiB",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
