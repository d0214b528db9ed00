package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Text-mode diagnostics print at most this many errors and warnings with
// their snippets, then how many more there are (--format json lists all).
const (
	textMaxErrors   = 50
	textMaxWarnings = 20
	// a snippet shows at most snippetMaxLines lines, each cut to about
	// snippetMaxLine bytes around the subject
	snippetMaxLines = 40
	snippetMaxLine  = 500
)

// boundDiags sorts diagnostics by file and position (those without a
// position first, in their order) and keeps the first maxErr errors and
// maxWarn warnings; it returns them and how many of each it left out.
func boundDiags(diags hcl.Diagnostics, maxErr, maxWarn int) (shown hcl.Diagnostics, moreErr, moreWarn int) {
	sorted := slices.Clone(diags)
	slices.SortStableFunc(sorted, func(a, b *hcl.Diagnostic) int {
		switch {
		case a.Subject == nil || b.Subject == nil:
			return cmp.Compare(boolInt(a.Subject != nil), boolInt(b.Subject != nil))
		case a.Subject.Filename != b.Subject.Filename:
			return cmp.Compare(a.Subject.Filename, b.Subject.Filename)
		}
		return cmp.Compare(a.Subject.Start.Byte, b.Subject.Start.Byte)
	})
	for _, d := range sorted {
		switch {
		case d.Severity == hcl.DiagError && maxErr > 0:
			maxErr--
		case d.Severity == hcl.DiagError:
			moreErr++
			continue
		case maxWarn > 0:
			maxWarn--
		default:
			moreWarn++
			continue
		}
		shown = append(shown, d)
	}
	return shown, moreErr, moreWarn
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// snippetWriter writes diagnostics as hcl's text writer does, in time
// linear in what it prints: hcl's writer rescans the whole file for each
// diagnostic's snippet (quadratic over many diagnostics in one file), so
// here it is given no files and the snippet it would print is built from
// an index of line starts made once per file.
type snippetWriter struct {
	files map[string]*hcl.File
	lines map[string][]int // byte offset of each line's start, per file
}

func newSnippetWriter(files map[string]*hcl.File) *snippetWriter {
	return &snippetWriter{files: files, lines: map[string][]int{}}
}

// write appends one diagnostic to buf: hcl's writer renders the header,
// the values of the expression's variables and the wrapped detail, and
// the snippet replaces the "(source code not available)" it writes
// without files.
func (s *snippetWriter) write(buf *bytes.Buffer, d *hcl.Diagnostic) error {
	var out bytes.Buffer
	if err := hcl.NewDiagnosticTextWriter(&out, nil, 100, false).WriteDiagnostic(d); err != nil {
		return err
	}
	b := out.Bytes()
	var f *hcl.File
	if d.Subject != nil {
		f = s.files[d.Subject.Filename]
	}
	if f == nil || f.Bytes == nil {
		buf.Write(b)
		return nil
	}
	placeholder := fmt.Sprintf("  on %s line %d:\n  (source code not available)\n\n", d.Subject.Filename, d.Subject.Start.Line)
	i := bytes.Index(b, []byte(placeholder))
	if i < 0 {
		buf.Write(b)
		return nil
	}
	buf.Write(b[:i])
	s.snippet(buf, f, d)
	buf.Write(b[i+len(placeholder):])
	return nil
}

// snippet writes the "on FILE line N, in BLOCK:" line and the source
// lines hcl's writer would print: every non-empty line overlapping the
// subject and context ranges.
func (s *snippetWriter) snippet(buf *bytes.Buffer, f *hcl.File, d *hcl.Diagnostic) {
	name := d.Subject.Filename
	in := ""
	if nav, ok := f.Nav.(interface{ ContextString(offset int) string }); ok {
		if c := nav.ContextString(d.Subject.Start.Byte); c != "" {
			in = ", in " + c
		}
	}
	fmt.Fprintf(buf, "  on %s line %d%s:\n", name, d.Subject.Start.Line, in)

	rng := snippetRange(d)
	src := f.Bytes
	starts, ok := s.lines[name]
	if !ok {
		starts = lineStarts(src)
		s.lines[name] = starts
	}
	// the first line that can overlap holds the byte before the range
	// (hcl counts a line ending where the range starts)
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > rng.Start.Byte-1 }) - 1
	printed := 0
	for i = max(i, 0); i < len(starts) && starts[i] <= rng.End.Byte; i++ {
		start, end := starts[i], len(src)
		if i+1 < len(starts) {
			end = starts[i+1] - 1
		}
		line := bytes.TrimSuffix(src[start:end], []byte("\r"))
		lr := hcl.Range{Filename: name, Start: hcl.Pos{Byte: start}, End: hcl.Pos{Byte: start + len(line)}}
		if !lr.Overlaps(rng) {
			continue
		}
		if printed == snippetMaxLines {
			fmt.Fprintf(buf, "      (snippet cut after %d lines)\n", snippetMaxLines)
			break
		}
		printed++
		fmt.Fprintf(buf, "%4d: %s\n", i+1, cutLine(line, d.Subject.Start.Byte-start))
	}
	buf.WriteByte('\n')
}

// snippetRange is the range a diagnostic's snippet shows, as hcl's writer
// computes it: subject and context, at least one byte.
func snippetRange(d *hcl.Diagnostic) hcl.Range {
	rng := *d.Subject
	if d.Context != nil {
		rng = hcl.RangeOver(rng, *d.Context)
	}
	if rng.Empty() {
		rng.End.Byte++
	}
	return rng
}

// redactionDiags returns the diagnostics inventory.RedactedFiles must see
// for the snippets of shown: shown, and any other (a literal secret left
// out by the bound) whose range a shown snippet overlaps.
func redactionDiags(diags, shown hcl.Diagnostics) hcl.Diagnostics {
	out := slices.Clone(shown)
	in := make(map[*hcl.Diagnostic]bool, len(shown))
	var ranges []hcl.Range
	for _, d := range shown {
		in[d] = true
		if d.Subject != nil {
			ranges = append(ranges, snippetRange(d))
		}
	}
	for _, d := range diags {
		if in[d] || d.Subject == nil {
			continue
		}
		r := snippetRange(d)
		for _, sr := range ranges {
			if sr.Overlaps(r) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// lineStarts returns the byte offset at which each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// cutLine shortens a line longer than snippetMaxLine to a window around
// byte offset at (clamped to the line), cut at UTF-8 boundaries, with "…"
// where it was cut.
func cutLine(line []byte, at int) []byte {
	if len(line) <= snippetMaxLine {
		return line
	}
	at = min(max(at, 0), len(line))
	from := max(at-snippetMaxLine/3, 0)
	to := min(from+snippetMaxLine, len(line))
	for from > 0 && !utf8.RuneStart(line[from]) {
		from--
	}
	for to < len(line) && !utf8.RuneStart(line[to]) {
		to++
	}
	var out []byte
	if from > 0 {
		out = append(out, "…"...)
	}
	out = append(out, line[from:to]...)
	if to < len(line) {
		out = append(out, "…"...)
	}
	return out
}

// ctrlEscaper writes what it is given with control characters other than
// newline and tab, and bytes that are not UTF-8, written as \x1b-style
// escapes (C1 controls as \u009b), so that a snippet of a hostile file
// cannot drive the terminal. Call Flush after the last Write.
type ctrlEscaper struct {
	w       io.Writer
	pending []byte // an incomplete UTF-8 sequence ending the last Write
}

func (e *ctrlEscaper) Write(p []byte) (int, error) {
	in := p
	if len(e.pending) > 0 {
		in = append(e.pending, p...)
		e.pending = nil
	}
	out := make([]byte, 0, len(in)+len(in)/8)
	for i := 0; i < len(in); {
		c := in[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				out = fmt.Appendf(out, `\x%02x`, c)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		if !utf8.FullRune(in[i:]) {
			e.pending = append([]byte(nil), in[i:]...)
			break
		}
		r, size := utf8.DecodeRune(in[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = fmt.Appendf(out, `\x%02x`, c)
		case r >= 0x80 && r <= 0x9f:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, in[i:i+size]...)
		}
		i += size
	}
	if _, err := e.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes an incomplete UTF-8 sequence left by the last Write, escaped.
func (e *ctrlEscaper) Flush() error {
	var out []byte
	for _, c := range e.pending {
		out = fmt.Appendf(out, `\x%02x`, c)
	}
	e.pending = nil
	if len(out) == 0 {
		return nil
	}
	_, err := e.w.Write(out)
	return err
}
