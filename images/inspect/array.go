package inspect

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/xts"
)

// arrayReader reads an md array's data from its members' disk images:
// raid1 from the first member, raid10 (near=2 layout) chunk by chunk.
type arrayReader struct {
	level   string
	members []memberFile
	chunk   int64
	size    int64
}

type memberFile struct {
	f   *os.File
	off int64 // partition start + md data offset
}

var _ io.ReaderAt = (*arrayReader)(nil)

// openArray opens the members of a (raid1 or raid10 near=2) array.
func openArray(a *Array) (*arrayReader, error) {
	if a.Level != "raid1" && a.Level != "raid10" {
		return nil, fmt.Errorf("array %s: level %s: only raid1 and raid10 are read", a.UUID, a.Level)
	}
	ar := &arrayReader{level: a.Level}
	for _, m := range a.Members {
		if m.Level == "raid10" && m.Layout != "" && !strings.HasPrefix(m.Layout, "near=2") {
			ar.Close()
			return nil, fmt.Errorf("array %s: raid10 layout %s: only near=2 is read", a.UUID, m.Layout)
		}
		f, err := os.Open(m.Disk)
		if err != nil {
			ar.Close()
			return nil, err
		}
		ar.members = append(ar.members, memberFile{f: f, off: m.partStart + m.DataOffset})
		ar.chunk, ar.size = m.ChunkBytes, m.ArrayBytes
	}
	if ar.level == "raid10" && ar.chunk == 0 {
		ar.Close()
		return nil, fmt.Errorf("array %s: raid10 without a chunk size", a.UUID)
	}
	return ar, nil
}

func (a *arrayReader) Close() {
	for _, m := range a.members {
		m.f.Close()
	}
}

func (a *arrayReader) ReadAt(p []byte, off int64) (int, error) {
	if a.level == "raid1" {
		return a.members[0].f.ReadAt(p, a.members[0].off+off)
	}
	n := 0
	for n < len(p) {
		c := (off + int64(n)) / a.chunk
		in := (off + int64(n)) % a.chunk
		pos := 2 * c // near=2: the copies of chunk c sit at positions 2c and 2c+1
		m := a.members[pos%int64(len(a.members))]
		row := pos / int64(len(a.members))
		l := min(int64(len(p)-n), a.chunk-in)
		k, err := m.f.ReadAt(p[n:n+int(l)], m.off+row*a.chunk+in)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// encryptedArray is the first array whose data starts with a LUKS magic.
func encryptedArray(arrays []Array) *Array {
	for i := range arrays {
		ar, err := openArray(&arrays[i])
		if err != nil {
			continue
		}
		b := make([]byte, 6)
		_, err = ar.ReadAt(b, 0)
		ar.Close()
		if err == nil && bytes.Equal(b, luksMagic) {
			return &arrays[i]
		}
	}
	return nil
}

// copyRange writes size bytes of r from off to a new file.
func copyRange(r io.ReaderAt, off, size int64, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, io.NewSectionReader(r, off, size))
	return errors.Join(err, f.Close())
}

// decryptRoot writes the plaintext of the array's LUKS2 aes-xts-plain64
// data segment to a sparse file and returns its path. Sectors never
// written (all zero on the sparse image) stay holes.
func decryptRoot(ctx context.Context, ar *arrayReader, hdrFile string, h LUKSHeader, key []byte, tmp string) (string, error) {
	if h.Cipher != "aes-xts-plain64" {
		return "", fmt.Errorf("cipher %s: only aes-xts-plain64 is decrypted here", h.Cipher)
	}
	vk, err := volumeKey(ctx, hdrFile, key, tmp)
	if err != nil {
		return "", err
	}
	defer clear(vk)
	c, err := xts.NewCipher(aes.NewCipher, vk)
	if err != nil {
		return "", fmt.Errorf("volume key: %w", err)
	}
	sector := h.SectorSize
	if sector == 0 {
		sector = 512
	}
	path := filepath.Join(tmp, "root.fs")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	size := ar.size - h.SegmentOffset
	buf := make([]byte, 1<<20)
	zero := make([]byte, sector)
	for pos := int64(0); pos < size; pos += int64(len(buf)) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		b := buf[:min(int64(len(buf)), size-pos)]
		if _, err := ar.ReadAt(b, h.SegmentOffset+pos); err != nil && err != io.EOF {
			return "", err
		}
		for s := int64(0); s+sector <= int64(len(b)); s += sector {
			blk := b[s : s+sector]
			if bytes.Equal(blk, zero) {
				continue
			}
			// LUKS2 IVs count sectors of the segment's own sector size
			c.Decrypt(blk, blk, uint64((pos+s)/sector))
			if _, err := f.WriteAt(blk, pos+s); err != nil {
				return "", err
			}
		}
	}
	if err := f.Truncate(size); err != nil {
		return "", err
	}
	return path, f.Close()
}

// checkFile reads path from the filesystem image with debugfs and compares
// its sha256 with want.
func checkFile(ctx context.Context, img, path, want string) FileCheck {
	fc := FileCheck{Path: path, Want: want}
	cmd := exec.CommandContext(ctx, "debugfs", "-R", "cat "+path, img)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		fc.Reason = fmt.Sprintf("debugfs: %v: %s", err, strings.TrimSpace(errb.String()))
		return fc
	}
	if strings.Contains(errb.String(), "File not found") {
		fc.Reason = "not in the root filesystem"
		return fc
	}
	sum := sha256.Sum256(out.Bytes())
	fc.Got = hex.EncodeToString(sum[:])
	fc.OK = fc.Got == want
	if !fc.OK {
		fc.Reason = fmt.Sprintf("sha256 %s on disk, want %s", fc.Got, want)
	}
	return fc
}
