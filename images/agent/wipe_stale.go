package agent

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
)

// A member that dropped out of its mirror (a disk missing at one boot, the
// array run degraded) is left out when the wipe assembles the arrays: the
// LUKS header in its data area is neither erased through the array nor seen
// on the partition, where the md superblock comes first. Wipe erases it at
// the member's data offset.

var dataOffsetRE = regexp.MustCompile(`(?m)^\s*Data Offset\s*:\s*(\d+) sectors`)

// dataOffset is the data offset in bytes from `mdadm --examine` output (0
// when the member has none, as metadata 1.0).
func dataOffset(examine string) int64 {
	m := dataOffsetRE.FindStringSubmatch(examine)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n * 512
}

// luksMetadataDefault is what is erased when a header's size cannot be
// read: a LUKS2 header with its keyslot area as cryptsetup makes it.
const luksMetadataDefault = 16 << 20

// eraseLUKSAt zeroes the LUKS header and keyslots found at off in dev (both
// LUKS2 header copies and the keyslot area, up to the first data segment;
// LUKS1 up to its payload). It reports whether there was one.
func eraseLUKSAt(dev string, off int64) (bool, error) {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	hdr := make([]byte, 4096)
	if _, err := f.ReadAt(hdr, off); err != nil {
		return false, fmt.Errorf("%s: read at %d: %w", dev, off, err)
	}
	if !bytes.Equal(hdr[:6], []byte("LUKS\xba\xbe")) {
		return false, nil
	}
	size := luksMetadataSize(f, off, hdr)
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return true, err
	}
	size = min(size, end-off)
	zero := make([]byte, 1<<20)
	for done := int64(0); done < size; {
		n := min(int64(len(zero)), size-done)
		if _, err := f.WriteAt(zero[:n], off+done); err != nil {
			return true, fmt.Errorf("%s: erase LUKS header at %d: %w", dev, off, err)
		}
		done += n
	}
	return true, f.Sync()
}

// luksMetadataSize is how far the header at off reaches.
func luksMetadataSize(f *os.File, off int64, hdr []byte) int64 {
	switch binary.BigEndian.Uint16(hdr[6:8]) {
	case 1:
		if sectors := int64(binary.BigEndian.Uint32(hdr[104:108])); sectors > 0 {
			return sectors * 512
		}
	case 2:
		hdrSize := int64(binary.BigEndian.Uint64(hdr[8:16]))
		if hdrSize <= 4096 || hdrSize > 4<<20 {
			break
		}
		js := make([]byte, hdrSize-4096)
		if _, err := f.ReadAt(js, off+4096); err != nil {
			break
		}
		var meta struct {
			Segments map[string]struct {
				Offset string `json:"offset"`
			} `json:"segments"`
		}
		if json.Unmarshal(bytes.TrimRight(js, "\x00"), &meta) != nil {
			break
		}
		var first int64
		for _, s := range meta.Segments {
			if n, err := strconv.ParseInt(s.Offset, 10, 64); err == nil && n > 0 && (first == 0 || n < first) {
				first = n
			}
		}
		if first > 0 {
			return first
		}
	}
	return luksMetadataDefault
}
