package agent

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// cpioFile is one regular file or directory of a newc archive.
type cpioFile struct {
	Name string // without leading slash
	Mode uint32 // including type bits (0o100000 file, 0o040000 dir)
	Data []byte
}

// gzipNewc returns a gzip-compressed newc ("070701") cpio archive of files,
// the format the kernel unpacks when it is appended to an initramfs. Fixed
// mtimes and inode numbers keep it reproducible.
func gzipNewc(files []cpioFile) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	ino := 1
	for _, f := range append(files, cpioFile{Name: "TRAILER!!!"}) {
		if err := newcEntry(zw, ino, f); err != nil {
			return nil, err
		}
		ino++
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func newcEntry(w io.Writer, ino int, f cpioFile) error {
	nlink := 1
	if f.Mode&0o170000 == 0o040000 {
		nlink = 2
	}
	if f.Name == "TRAILER!!!" {
		ino = 0
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, f.Mode, 0, 0, nlink, 0, len(f.Data), 0, 0, 0, 0, len(f.Name)+1, 0)
	var b bytes.Buffer
	b.WriteString(hdr)
	b.WriteString(f.Name)
	b.WriteByte(0)
	pad(&b)
	b.Write(f.Data)
	pad(&b)
	_, err := w.Write(b.Bytes())
	return err
}

// pad aligns to 4 bytes; every entry starts aligned, so the local length works.
func pad(b *bytes.Buffer) {
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
}
