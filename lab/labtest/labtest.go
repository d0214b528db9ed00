// Package labtest starts racksmith's virtual lab for end-to-end tests: a
// copy of a stack (optionally trimmed to some servers) in a project folder
// of its own, a lab with its own network namespace and run directory, and
// the real binaries of bin/ (racksmith, pulumi, pulumi-resource-racksmith)
// run inside that namespace. Cleanup stops everything the lab started and
// deletes the namespace, so tests of several packages can run at once.
//
//	l := labtest.Start(t, labtest.Options{Servers: []string{"fra1-node1", "ams1-node1"}})
//	l.MustRacksmith(ctx, "up", "--yes")
package labtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/lab"
)

// Options choose the lab of a test. Zero values take the defaults.
type Options struct {
	// Stack is the inventory folder to copy, default ROOT/stacks/lab.
	Stack string
	// Servers keeps only these servers of the stack (all when empty).
	Servers []string
	// Name is the stack's name in the test's project, default "e2e".
	Name string
	// Namespace is the lab's network namespace, default "rs-" + Prefix +
	// "-" + a random suffix.
	Namespace string
	// Prefix names the test's area in the namespace (default "lt").
	Prefix string
	// Keep leaves the lab running after the test (debugging): the test log
	// says how to stop it.
	Keep bool
}

// Lab is a running lab of one test.
type Lab struct {
	T         testing.TB
	Root      string // the repository: bin/, images/.build
	Project   string // the test's project folder: Pulumi.yaml, stacks/
	Stack     string // stack name, inventory at Project/stacks/Stack
	Inventory string // absolute inventory folder
	Namespace string
	RunDir    string // absolute lab run directory
	Lab       *lab.Lab
}

// Start checks the prerequisites (failing the test, naming what to run or
// install), copies the stack, brings the lab up with its boot servers and
// registers the teardown. It fails the test on any error.
func Start(t testing.TB, opt Options) *Lab {
	t.Helper()
	root := RequirePrereqs(t)
	if opt.Stack == "" {
		opt.Stack = filepath.Join(root, "stacks", "lab")
	}
	if opt.Name == "" {
		opt.Name = "e2e"
	}
	if opt.Prefix == "" {
		opt.Prefix = "lt"
	}
	if opt.Namespace == "" {
		opt.Namespace = "rs-" + opt.Prefix + "-" + randomSuffix()
	}
	project := t.TempDir()
	inv, err := NewProject(project, opt.Name, opt.Stack, opt.Servers)
	if err != nil {
		t.Fatalf("labtest: %v", err)
	}
	// the program resolves OS images (definitions and built digests) under
	// the project's images/: the repository's
	if err := os.Symlink(filepath.Join(root, "images"), filepath.Join(project, "images")); err != nil {
		t.Fatalf("labtest: %v", err)
	}
	l := &Lab{T: t, Root: root, Project: project, Stack: opt.Name, Inventory: inv,
		Namespace: opt.Namespace, RunDir: filepath.Join(project, "run")}
	l.Lab = lab.New(lab.Config{Namespace: l.Namespace, RunDir: l.RunDir},
		slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
	t.Cleanup(func() {
		if opt.Keep {
			t.Logf("labtest: lab kept: %s lab down --namespace %s --run-dir %s", l.bin("racksmith"), l.Namespace, l.RunDir)
			return
		}
		l.Down()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := l.Racksmith(ctx, "lab", "up", "--stack", l.Inventory, "--files", filepath.Join(root, "images", ".build")); err != nil {
		t.Fatalf("labtest: lab up: %v\n%s", err, out)
	}
	return l
}

// Down stops the lab and deletes its namespace; it reports (not fails) a
// lab that will not go, and checks nothing of it is left.
func (l *Lab) Down() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := l.Lab.Down(ctx, false); err != nil {
		l.T.Errorf("labtest: lab down: %v", err)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", l.Namespace)); err == nil {
		l.T.Errorf("labtest: namespace %s still exists after lab down", l.Namespace)
	}
}

// Host is a host of the running lab.
func (l *Lab) Host(name string) *lab.Host {
	l.T.Helper()
	lay, err := l.Lab.LoadLayout()
	if err != nil {
		l.T.Fatalf("labtest: %v", err)
	}
	h, ok := lay.Host(name)
	if !ok {
		l.T.Fatalf("labtest: no host %s in the lab", name)
	}
	return h
}

// Disks are the absolute paths of a host's disk images, in inventory order.
func (l *Lab) Disks(name string) []string {
	h := l.Host(name)
	var out []string
	for _, d := range h.Disks {
		out = append(out, filepath.Join(l.RunDir, h.Name, d.File))
	}
	return out
}

func (l *Lab) bin(name string) string { return filepath.Join(l.Root, "bin", name) }

func randomSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// testWriter sends log lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var _ fmt.Stringer = (*Lab)(nil)

// String names the lab in messages.
func (l *Lab) String() string { return fmt.Sprintf("lab %s (%s)", l.Namespace, l.RunDir) }
