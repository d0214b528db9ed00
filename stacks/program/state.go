package program

import (
	"os"
	"path/filepath"
)

// StateFile is the stack's checkpoint in the default file backend
// (stacks/<Name>/.pulumi), or "" when the stack was never created there:
// no racksmith up, refresh or preview has run for it on this machine. It
// only looks at files, so it creates nothing (unlike every Pulumi
// operation, which creates the stack).
func (s Stack) StateFile() string {
	root := filepath.Join(s.dir(), "stacks", s.Name, ".pulumi", ".pulumi", "stacks")
	for _, dir := range []string{filepath.Join(root, Project), root} { // project-scoped, then legacy layout
		for _, ext := range []string{".json", ".json.gz"} {
			p := filepath.Join(dir, s.Name+ext)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return p
			}
		}
	}
	return ""
}
