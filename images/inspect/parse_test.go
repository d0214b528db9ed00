package inspect

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The testdata are mdadm 4.2 and cryptsetup 2.6 output for a lab host's
// first disk as the installer left it.
func TestParseExamine(t *testing.T) {
	for _, c := range []struct {
		file                   string
		want                   Member
		dataOffset, arrayBytes int64
	}{
		{"examine-boot-1.0.txt", Member{Version: "1.0", ArrayUUID: "8197bdca:7f457304:64680dc2:a29b63d8",
			Name: "fra1-node1:boot", Level: "raid1", State: "clean", DeviceRole: "Active device 0"}, 0, 131008 * 1024},
		{"examine-root-1.2.txt", Member{Version: "1.2", ArrayUUID: "a02eea93:8bcc3ba5:942116a1:d6faddf6",
			Name: "fra1-node1:root", Level: "raid1", State: "clean", DeviceRole: "Active device 0"}, 2048 * 512, 390080 * 1024},
	} {
		m, err := ParseExamine(readTestdata(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if m.Version != c.want.Version || m.ArrayUUID != c.want.ArrayUUID || m.Name != c.want.Name ||
			m.Level != c.want.Level || m.State != c.want.State || m.DeviceRole != c.want.DeviceRole {
			t.Errorf("%s: got %+v, want %+v", c.file, m, c.want)
		}
		if m.DataOffset != c.dataOffset || m.ArrayBytes != c.arrayBytes {
			t.Errorf("%s: data offset %d array bytes %d, want %d %d", c.file, m.DataOffset, m.ArrayBytes, c.dataOffset, c.arrayBytes)
		}
	}
}

func TestParseExamineRefusesOtherOutput(t *testing.T) {
	for _, in := range []string{
		"mdadm: No md superblock detected on /dev/loop0.\n",
		strings.Replace(readTestdata(t, "examine-root-1.2.txt"), "Array Size : 390080", "Array Size : lots", 1),
		strings.Replace(readTestdata(t, "examine-root-1.2.txt"), "Array UUID", "Array UUUID", 1),
	} {
		if _, err := ParseExamine(in); !errors.Is(err, ErrParse) {
			t.Errorf("ParseExamine(%.40q…) = %v, want ErrParse", in, err)
		}
	}
}

func TestParseLUKSDump(t *testing.T) {
	h, err := ParseLUKSDump(readTestdata(t, "luksdump-lab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := LUKSHeader{Version: 2, UUID: "352dd815-36f1-47e4-a402-c196431b4199", Cipher: "aes-xts-plain64",
		SegmentOffset: 16 << 20, SectorSize: 512, Keyslots: 1, PBKDF: "pbkdf2"}
	if h != want {
		t.Errorf("got %+v, want %+v", h, want)
	}
	if _, err := ParseLUKSDump("Device /dev/loop0 is not a valid LUKS device.\n"); !errors.Is(err, ErrParse) {
		t.Errorf("not a LUKS device: %v, want ErrParse", err)
	}
	noSeg := strings.Replace(readTestdata(t, "luksdump-lab.txt"), "Data segments:", "Segments:", 1)
	if _, err := ParseLUKSDump(noSeg); !errors.Is(err, ErrParse) {
		t.Errorf("no data segment: %v, want ErrParse", err)
	}
}

func TestParseVolumeKey(t *testing.T) {
	out := "LUKS header information for hdr\nCipher name:   \taes\nMK bits:       \t64\nMK dump:\t00 11 22 33 \n\t\taa bb cc ff \n"
	vk, err := parseVolumeKey(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ToLower(strings.TrimSpace(string(hexs(vk)))); got != "00112233aabbccff" {
		t.Errorf("volume key %s", got)
	}
	if _, err := parseVolumeKey("No key available with this passphrase.\n"); !errors.Is(err, ErrParse) {
		t.Errorf("no key: %v, want ErrParse", err)
	}
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
	}
	return s.String()
}
