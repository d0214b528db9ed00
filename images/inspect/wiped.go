package inspect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

var (
	luksMagic  = []byte{'L', 'U', 'K', 'S', 0xba, 0xbe}
	luks2Magic = []byte{'S', 'K', 'U', 'L', 0xba, 0xbe} // LUKS2 secondary header
	mdMagic    = binary.LittleEndian.AppendUint32(nil, 0xa92b4efc)
)

// scanBlock is the alignment signatures are looked for at: md superblocks
// (v1.0 at the end of a member, v1.2 at 4 KiB) and LUKS headers (at an md
// data offset, secondary at 16 KiB..4 MiB) all sit on 4 KiB boundaries.
const scanBlock = 4096

// Finding is a signature found on a disk.
type Finding struct {
	Disk   string `json:"disk"`
	Offset int64  `json:"offset"`
	What   string `json:"what"`
}

func (f Finding) String() string { return fmt.Sprintf("%s at byte %d of %s", f.What, f.Offset, f.Disk) }

// Wiped reads every written 4 KiB block of the disk images (holes of the
// sparse files are skipped) and reports whether none begins with an md
// superblock or a LUKS header, independent of any partition table a wipe
// may have erased. details names what was found.
func Wiped(disks []string) (bool, []Finding, error) {
	var found []Finding
	for _, d := range disks {
		f, err := scanDisk(d)
		if err != nil {
			return false, nil, err
		}
		found = append(found, f...)
	}
	return len(found) == 0, found, nil
}

func scanDisk(path string) ([]Finding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var found []Finding
	buf := make([]byte, 1<<20)
	for off := int64(0); off < st.Size(); {
		data, err := unix.Seek(int(f.Fd()), off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			break // only a hole is left
		}
		if err != nil {
			return nil, fmt.Errorf("seek data in %s: %w", path, err)
		}
		hole, err := unix.Seek(int(f.Fd()), data, unix.SEEK_HOLE)
		if err != nil {
			return nil, fmt.Errorf("seek hole in %s: %w", path, err)
		}
		data -= data % scanBlock
		for pos := data; pos < hole; pos += int64(len(buf)) {
			n, err := f.ReadAt(buf[:min(int64(len(buf)), hole-pos)], pos)
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			for b := 0; b+8 <= n; b += scanBlock {
				blk := buf[b:]
				switch {
				case bytes.HasPrefix(blk, luksMagic):
					found = append(found, Finding{path, pos + int64(b), "LUKS header"})
				case bytes.HasPrefix(blk, luks2Magic):
					found = append(found, Finding{path, pos + int64(b), "LUKS2 secondary header"})
				case bytes.HasPrefix(blk, mdMagic):
					found = append(found, Finding{path, pos + int64(b), "md superblock"})
				}
			}
		}
		off = hole
	}
	return found, nil
}
