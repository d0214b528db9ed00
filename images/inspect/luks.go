package inspect

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// LUKSHeader is what luksDump says of a LUKS header.
type LUKSHeader struct {
	Version       int    `json:"version"`
	UUID          string `json:"uuid"`
	Cipher        string `json:"cipher"`
	SegmentOffset int64  `json:"segment_offset"` // bytes
	SectorSize    int64  `json:"sector_size"`    // bytes
	Keyslots      int    `json:"keyslots"`
	PBKDF         string `json:"pbkdf,omitempty"`
}

var (
	reVersion = regexp.MustCompile(`(?m)^Version:\s*(\d+)\s*$`)
	reUUID    = regexp.MustCompile(`(?m)^UUID:\s*(\S+)\s*$`)
	reSegment = regexp.MustCompile(`(?s)Data segments:.*?offset:\s*(\d+) \[bytes\].*?cipher:\s*(\S+).*?sector:\s*(\d+) \[bytes\]`)
	reKeyslot = regexp.MustCompile(`(?m)^\s+\d+: luks2\s*$`)
	rePBKDF   = regexp.MustCompile(`(?m)^\s+PBKDF:\s*(\S+)\s*$`)
)

// ParseLUKSDump reads the text of `cryptsetup luksDump` of a LUKS2 header.
func ParseLUKSDump(out string) (LUKSHeader, error) {
	var h LUKSHeader
	m := reVersion.FindStringSubmatch(out)
	if m == nil {
		return h, fmt.Errorf("%w: luksDump: no Version line", ErrParse)
	}
	h.Version, _ = strconv.Atoi(m[1])
	if m := reUUID.FindStringSubmatch(out); m != nil {
		h.UUID = m[1]
	}
	if m := reSegment.FindStringSubmatch(out); m != nil {
		h.SegmentOffset, _ = strconv.ParseInt(m[1], 10, 64)
		h.Cipher = m[2]
		h.SectorSize, _ = strconv.ParseInt(m[3], 10, 64)
	} else if h.Version == 2 {
		return h, fmt.Errorf("%w: luksDump: no data segment with offset, cipher and sector size", ErrParse)
	}
	h.Keyslots = len(reKeyslot.FindAllString(out, -1))
	if m := rePBKDF.FindStringSubmatch(out); m != nil {
		h.PBKDF = m[1]
	}
	if h.UUID == "" {
		return h, fmt.Errorf("%w: luksDump: no UUID", ErrParse)
	}
	return h, nil
}

// headerBytes is how much of the array copyHeader copies: a LUKS2 header
// with its keyslot area takes 16 MiB.
const headerBytes = 32 << 20

// copyHeader copies the start of the array to a file and dumps it.
func copyHeader(ctx context.Context, ar *arrayReader, tmp string) (LUKSHeader, string, error) {
	path := filepath.Join(tmp, "luks-header.img")
	if err := copyRange(ar, 0, min(headerBytes, ar.size), path); err != nil {
		return LUKSHeader{}, "", err
	}
	out, err := exec.CommandContext(ctx, "cryptsetup", "luksDump", path).CombinedOutput()
	if err != nil {
		return LUKSHeader{}, "", fmt.Errorf("no LUKS header (cryptsetup luksDump: %s)", strings.TrimSpace(string(out)))
	}
	h, err := ParseLUKSDump(string(out))
	return h, path, err
}

// withKeyFile writes key to a 0600 file for cryptsetup --key-file (never
// an argument or the environment) and removes it after f.
func withKeyFile(tmp string, key []byte, f func(path string) error) error {
	kf, err := os.CreateTemp(tmp, "key-")
	if err != nil {
		return err
	}
	defer os.Remove(kf.Name())
	_, err = kf.Write(key)
	if cerr := kf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return f(kf.Name())
}

// testPassphrase is nil when key opens the header file hdr.
func testPassphrase(ctx context.Context, hdr string, key []byte, tmp string) error {
	return withKeyFile(tmp, key, func(kf string) error {
		out, err := exec.CommandContext(ctx, "cryptsetup", "open", "--test-passphrase", "--key-file", kf, hdr).CombinedOutput()
		if err != nil {
			return fmt.Errorf("cryptsetup open --test-passphrase: %w: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	})
}

// volumeKey reads the volume key through cryptsetup itself.
func volumeKey(ctx context.Context, hdr string, key []byte, tmp string) ([]byte, error) {
	var vk []byte
	err := withKeyFile(tmp, key, func(kf string) error {
		out, err := exec.CommandContext(ctx, "cryptsetup", "luksDump", "--dump-volume-key", "--batch-mode", "--key-file", kf, hdr).CombinedOutput()
		if err != nil {
			return fmt.Errorf("cryptsetup luksDump --dump-volume-key failed (%w)", err)
		}
		vk, err = parseVolumeKey(string(out))
		clear(out)
		return err
	})
	return vk, err
}

// parseVolumeKey reads the hex bytes after "MK dump:".
func parseVolumeKey(out string) ([]byte, error) {
	i := strings.Index(out, "MK dump:")
	if i < 0 {
		return nil, fmt.Errorf("%w: luksDump --dump-volume-key: no MK dump", ErrParse)
	}
	var hexs strings.Builder
	for _, f := range strings.Fields(out[i+len("MK dump:"):]) {
		if len(f) != 2 {
			break
		}
		hexs.WriteString(f)
	}
	vk, err := hex.DecodeString(hexs.String())
	if err != nil || len(vk) == 0 {
		return nil, fmt.Errorf("%w: luksDump --dump-volume-key: unreadable key bytes", ErrParse)
	}
	return vk, nil
}
