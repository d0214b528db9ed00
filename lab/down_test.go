package lab

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDownNeverKillsForeignPids: pid files left from a crash or a reboot
// may name pids that now belong to other processes; down only stops a
// process whose command line is the lab's.
func TestDownNeverKillsForeignPids(t *testing.T) {
	run := t.TempDir()
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Process.Kill(); _ = other.Wait() }()
	pid := fmt.Sprintf("%d\n", other.Process.Pid)
	for _, f := range []string{"fra1-node1/" + fileSimPid, "fra1-node1/" + fileQEMUPid, "boot-fra1/pid"} {
		p := filepath.Join(run, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(pid), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := New(Config{Namespace: "rs-lab-e1-absent", RunDir: run}, slog.New(slog.DiscardHandler))
	st, err := l.Down(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Processes) != 0 || st.Namespace {
		t.Fatalf("down stopped %v (namespace %v)", st.Processes, st.Namespace)
	}
	if !alive(other.Process.Pid, "sleep") {
		t.Fatal("down killed a process that was not the lab's")
	}
	if _, err := os.Stat(filepath.Join(run, "fra1-node1", fileSimPid)); !os.IsNotExist(err) {
		t.Errorf("stale pid file kept: %v", err)
	}
}
