// Package gitref reads a folder of a git repository as it is at a commit,
// with the git CLI, without touching the work tree or the index.
package gitref

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrUnknownRef means the git ref names no commit (a typo, a branch not fetched).
var ErrUnknownRef = errors.New("unknown commit")

// Extract writes the files under dir (a folder inside a git work tree) as
// they are at ref (HEAD, a branch, a commit) into dest, keeping their paths
// relative to dir. It fails when dir is not in a git work tree, ref is
// unknown (ErrUnknownRef), or dir does not exist at ref.
func Extract(ctx context.Context, dir, ref, dest string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	top, err := git(ctx, abs, "rev-parse", "--show-toplevel")
	if err != nil {
		return fmt.Errorf("%s is not in a git work tree: %w", dir, err)
	}
	topDir := strings.TrimSpace(string(top))
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(topDir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s is outside its work tree %s", dir, topDir)
	}
	rel = filepath.ToSlash(rel)
	if _, err := git(ctx, topDir, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return fmt.Errorf("git ref %q: %w", ref, ErrUnknownRef)
	}
	if _, err := git(ctx, topDir, "cat-file", "-e", ref+":"+rel); err != nil {
		return fmt.Errorf("%s does not exist at %s", rel, ref)
	}
	out, err := git(ctx, topDir, "archive", "--format=tar", ref, "--", rel)
	if err != nil {
		return fmt.Errorf("git archive %s %s: %w", ref, rel, err)
	}
	return untar(bytes.NewReader(out), rel, dest)
}

// untar writes the regular files of a tar stream found under prefix into
// dest, stripped of prefix.
func untar(r io.Reader, prefix, dest string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read git archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := strings.TrimPrefix(h.Name, prefix+"/")
		if prefix == "." {
			name = h.Name
		}
		if name == h.Name && prefix != "." || !filepath.IsLocal(name) {
			continue
		}
		p := filepath.Join(dest, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return fmt.Errorf("read git archive: %w", err)
		}
		if err := os.WriteFile(p, b, os.FileMode(h.Mode).Perm()); err != nil {
			return err
		}
	}
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}
