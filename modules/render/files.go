// Package render holds what every role renderer of racksmith shares: the
// rendered File type, the Topology a renderer reads (which hosts carry which
// role in which site, with their addresses), the checks that refuse an
// inventory before anything is rendered, and small text helpers.
//
// Everything here is pure: no I/O, no clock, no randomness. The same
// inventory always renders byte-identical files.
package render

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
)

// File is one rendered configuration file for a host.
type File struct {
	Path    string // absolute path on the installed host
	Mode    uint32 // permission bits, e.g. 0o644
	Content []byte
}

// SHA256 is the hex digest of the file's content.
func (f File) SHA256() string {
	sum := sha256.Sum256(f.Content)
	return hex.EncodeToString(sum[:])
}

// HostFiles maps a hostname to the files rendered for it.
type HostFiles map[string][]File

// Add appends files for host.
func (h HostFiles) Add(host string, files ...File) {
	h[host] = append(h[host], files...)
}

// Merge adds every host's files of other into h.
func (h HostFiles) Merge(other HostFiles) {
	for host, fs := range other {
		h.Add(host, fs...)
	}
}

// Sort orders each host's files by path, so output never depends on the
// order roles were rendered in.
func (h HostFiles) Sort() {
	for _, fs := range h {
		sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
	}
}

// Hosts returns the hostnames in h, sorted.
func (h HostFiles) Hosts() []string {
	out := make([]string, 0, len(h))
	for host := range h {
		out = append(out, host)
	}
	sort.Strings(out)
	return out
}

// Text makes a File from a string.
func Text(path string, mode uint32, content string) File {
	return File{Path: path, Mode: mode, Content: []byte(content)}
}
