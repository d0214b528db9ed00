package vmtest

import (
	"bytes"
	"crypto/aes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/xts"
)

// part is a partition of a disk image, in bytes.
type part struct{ Start, Size int64 }

// partitions reads a disk image's partition table with sfdisk.
func partitions(t *testing.T, disk string) []part {
	t.Helper()
	out, err := osexec.Command("sfdisk", "--json", disk).Output()
	if err != nil {
		t.Fatalf("sfdisk --json %s: %v (no partition table?)", disk, err)
	}
	var pt struct {
		PartitionTable struct {
			SectorSize int64 `json:"sectorsize"`
			Partitions []struct {
				Start, Size int64
			} `json:"partitions"`
		} `json:"partitiontable"`
	}
	if err := json.Unmarshal(out, &pt); err != nil {
		t.Fatal(err)
	}
	ss := pt.PartitionTable.SectorSize
	if ss == 0 {
		ss = 512
	}
	var ps []part
	for _, p := range pt.PartitionTable.Partitions {
		ps = append(ps, part{p.Start * ss, p.Size * ss})
	}
	return ps
}

// loop attaches a read-only loop device to a byte range of file.
func loop(t *testing.T, file string, p part) string {
	t.Helper()
	out, err := osexec.Command("losetup", "--read-only", "--find", "--show", "--offset", fmt.Sprint(p.Start),
		"--sizelimit", fmt.Sprint(p.Size), file).CombinedOutput()
	if err != nil {
		t.Fatalf("losetup %s: %v: %s", file, err, out)
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() { osexec.Command("losetup", "-d", dev).Run() })
	return dev
}

var kvLine = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$`)

// examine runs mdadm --examine on one partition of a disk image.
func examine(t *testing.T, disk string, p part) (map[string]string, error) {
	t.Helper()
	out, err := osexec.Command("mdadm", "--examine", loop(t, disk, p)).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("mdadm --examine: %v: %s", err, out)
	}
	kv := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := kvLine.FindStringSubmatch(line); m != nil {
			kv[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return kv, nil
}

// leadingInt is the first integer of an mdadm value like "2048 sectors".
func leadingInt(t *testing.T, s string) int64 {
	t.Helper()
	f := strings.Fields(s)
	if len(f) == 0 {
		t.Fatalf("no number in %q", s)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		t.Fatalf("number in %q: %v", s, err)
	}
	return n
}

// member is one md member's data area inside a disk image.
type member struct {
	f   *os.File
	off int64 // partition start + md data offset
}

// arrayReader reads an md array's data from its members' images: raid1 from
// the first member, raid10 (near=2 layout) chunk by chunk.
type arrayReader struct {
	level   int
	members []member
	chunk   int64
}

func (a *arrayReader) ReadAt(p []byte, off int64) (int, error) {
	if a.level == 1 {
		return a.members[0].f.ReadAt(p, a.members[0].off+off)
	}
	n := 0
	for n < len(p) {
		c := (off + int64(n)) / a.chunk
		in := (off + int64(n)) % a.chunk
		pos := 2 * c // near=2: copies of chunk c are at positions 2c and 2c+1
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

// copyRange writes size bytes of r from off to a new file.
func copyRange(t *testing.T, r io.ReaderAt, off, size int64, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, io.NewSectionReader(r, off, size)); err != nil {
		t.Fatal(err)
	}
}

// luksDump runs cryptsetup luksDump (extra args, e.g. --dump-volume-key).
func luksDump(t *testing.T, hdr string, args ...string) (string, error) {
	out, err := osexec.Command("cryptsetup", append(append([]string{"luksDump"}, args...), hdr)...).CombinedOutput()
	return string(out), err
}

// volumeKey reads the volume key with cryptsetup itself (key from a file).
func volumeKey(t *testing.T, hdr, keyFile string) []byte {
	t.Helper()
	out, err := luksDump(t, hdr, "--dump-volume-key", "--batch-mode", "--key-file", keyFile)
	if err != nil {
		t.Fatalf("luksDump --dump-volume-key: %v: %s", err, out)
	}
	i := strings.Index(out, "MK dump:")
	if i < 0 {
		t.Fatalf("no MK dump in: %s", out)
	}
	var hexs strings.Builder
	for _, f := range strings.Fields(out[i+len("MK dump:"):]) {
		if len(f) == 2 {
			hexs.WriteString(f)
		}
	}
	vk, err := hex.DecodeString(hexs.String())
	if err != nil {
		t.Fatal(err)
	}
	return vk
}

// decrypt writes the plaintext of a LUKS2 aes-xts-plain64 data segment
// (512-byte sectors, IV = sector number from the segment start) to path.
func decrypt(t *testing.T, r io.ReaderAt, segOff, segSize int64, vk []byte, path string) {
	t.Helper()
	c, err := xts.NewCipher(aes.NewCipher, vk)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sector = 512
	buf := make([]byte, 1<<20)
	zero := make([]byte, sector)
	for pos := int64(0); pos < segSize; pos += int64(len(buf)) {
		n := min(int64(len(buf)), segSize-pos)
		b := buf[:n]
		if _, err := r.ReadAt(b, segOff+pos); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		for s := int64(0); s < n; s += sector {
			blk := b[s : s+sector]
			if bytes.Equal(blk, zero) {
				continue // never written: leave it sparse
			}
			c.Decrypt(blk, blk, uint64((pos+s)/sector))
		}
		if _, err := f.WriteAt(b, pos); err != nil {
			t.Fatal(err)
		}
	}
}

// debugfsCat reads one file from an ext2/3/4 image.
func debugfsCat(t *testing.T, img, path string) []byte {
	t.Helper()
	cmd := osexec.Command("debugfs", "-R", "cat "+path, img)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("debugfs cat %s: %v: %s", path, err, errb.String())
	}
	if strings.Contains(errb.String(), "File not found") {
		t.Fatalf("debugfs: %s not in the filesystem: %s", path, errb.String())
	}
	return out.Bytes()
}

func writeKeyFile(t *testing.T, dir, name string, key []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, key, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// segment parses the data segment offset and sector size from luksDump.
func segment(t *testing.T, dump string) (off, sector int64) {
	t.Helper()
	m := regexp.MustCompile(`(?s)Data segments:.*?offset:\s*(\d+) \[bytes\].*?sector:\s*(\d+) \[bytes\]`).FindStringSubmatch(dump)
	if m == nil {
		t.Fatalf("no data segment in luksDump:\n%s", dump)
	}
	off, _ = strconv.ParseInt(m[1], 10, 64)
	sector, _ = strconv.ParseInt(m[2], 10, 64)
	return off, sector
}

// exec runs a command and returns its combined output.
func runCmd(name string, args ...string) (string, error) {
	out, err := osexec.Command(name, args...).CombinedOutput()
	return string(out), err
}
