package modules

import (
	"bytes"
	"sort"
	"strings"
)

// HostChange is how one host's rendered files differ between two renders.
type HostChange struct {
	Host    string   `json:"host"`
	Added   []string `json:"added,omitempty"`   // paths only in the new render
	Removed []string `json:"removed,omitempty"` // paths only in the old render
	Changed []string `json:"changed,omitempty"` // paths whose content or mode differ
}

// String lists the paths marked + (added), - (removed) and ~ (changed).
func (c HostChange) String() string {
	var parts []string
	for _, p := range c.Added {
		parts = append(parts, "+"+p)
	}
	for _, p := range c.Removed {
		parts = append(parts, "-"+p)
	}
	for _, p := range c.Changed {
		parts = append(parts, "~"+p)
	}
	return strings.Join(parts, " ")
}

// Diff compares two renders and returns, sorted by host, the hosts whose
// files differ and which paths. Hosts with identical files are left out, so
// an empty result means no host needs an update.
func Diff(old, new Files) []HostChange {
	hosts := map[string]bool{}
	for h := range old {
		hosts[h] = true
	}
	for h := range new {
		hosts[h] = true
	}
	var out []HostChange
	for h := range hosts {
		c := diffHost(h, old[h], new[h])
		if len(c.Added)+len(c.Removed)+len(c.Changed) > 0 {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}

func diffHost(host string, old, new []File) HostChange {
	c := HostChange{Host: host}
	was := map[string]File{}
	for _, f := range old {
		was[f.Path] = f
	}
	is := map[string]bool{}
	for _, f := range new {
		is[f.Path] = true
		o, ok := was[f.Path]
		switch {
		case !ok:
			c.Added = append(c.Added, f.Path)
		case o.Mode != f.Mode || !bytes.Equal(o.Content, f.Content):
			c.Changed = append(c.Changed, f.Path)
		}
	}
	for _, f := range old {
		if !is[f.Path] {
			c.Removed = append(c.Removed, f.Path)
		}
	}
	sort.Strings(c.Added)
	sort.Strings(c.Removed)
	sort.Strings(c.Changed)
	return c
}
