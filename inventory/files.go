package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// MaxFileSize is the largest inventory file Load and FormatDir read
// (16 MiB, some 50,000 servers); a larger file is refused, unread.
const MaxFileSize = 16 << 20

const summaryNotText = "Not a text HCL file"

// stackFiles lists the *.hcl files of a stack folder in name order,
// leaving out hidden files: ".#servers.hcl", the lock symlink Emacs
// leaves, is often dangling (backups such as "servers.hcl~" or
// "#servers.hcl#" do not end in .hcl). The error
// wraps ErrNoStack and says whether dir is missing, a file, or holds no
// .hcl file.
func stackFiles(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %s: no such directory", ErrNoStack, dir)
	case err != nil:
		return nil, fmt.Errorf("%w: %s", ErrNoStack, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("%w: %s is a file, not a stack directory", ErrNoStack, dir)
	}
	all, err := filepath.Glob(filepath.Join(dir, "*.hcl"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	names := all[:0]
	for _, n := range all {
		if !strings.HasPrefix(filepath.Base(n), ".") {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: %s holds no .hcl file", ErrNoStack, dir)
	}
	return names, nil
}

// readStackFile reads one inventory file. It refuses, with one diagnostic
// naming the file, what is not a regular file (a FIFO would block) and a
// file over MaxFileSize, checked before reading. LoadSources and Format
// refuse content that is not text (checkText).
func readStackFile(name string) ([]byte, *hcl.Diagnostic) {
	unreadable := func(err error) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read inventory file", Detail: fmt.Sprintf("read %s: %s", name, err)}
	}
	// stat by name first: opening a FIFO would block
	fi, err := os.Stat(name)
	if err != nil {
		return nil, unreadable(err)
	}
	if !fi.Mode().IsRegular() {
		what := "a special file"
		switch t := fi.Mode().Type(); {
		case t&fs.ModeDir != 0:
			what = "a directory"
		case t&fs.ModeNamedPipe != 0:
			what = "a named pipe"
		case t&fs.ModeSocket != 0:
			what = "a socket"
		case t&fs.ModeDevice != 0:
			what = "a device"
		}
		return nil, unreadable(fmt.Errorf("%s, not a regular file", what))
	}
	tooLarge := func(size int64) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Inventory file too large",
			Detail: fmt.Sprintf("%s is %d bytes; inventory files are limited to %d MiB: split it into several files", name, size, MaxFileSize>>20)}
	}
	if fi.Size() > MaxFileSize {
		return nil, tooLarge(fi.Size())
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, unreadable(err)
	}
	defer f.Close()
	// the file may grow between Stat and reading: never read past the limit
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, unreadable(err)
	}
	if len(b) > MaxFileSize {
		return nil, tooLarge(int64(len(b)))
	}
	return b, nil
}

// checkText refuses, with one diagnostic naming the file, content holding
// a NUL byte or invalid UTF-8: a binary file parsed as HCL yields a flood
// of diagnostics full of control bytes.
func checkText(name string, src []byte) *hcl.Diagnostic {
	what := ""
	if i := bytes.IndexByte(src, 0); i >= 0 {
		what = fmt.Sprintf("a NUL byte at offset %d", i)
	} else if !utf8.Valid(src) {
		what = fmt.Sprintf("invalid UTF-8 at offset %d", invalidUTF8At(src))
	} else {
		return nil
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summaryNotText,
		Detail: fmt.Sprintf("%s is not a text HCL file: it holds %s.", name, what)}
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
