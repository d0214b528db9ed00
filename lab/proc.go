package lab

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// startInNamespace starts argv inside the namespace, detached in its own
// session with output appended to logFile, and writes its pid to pidFile.
// The process outlives this one; it is reaped here while we run.
func (l *Lab) startInNamespace(argv []string, logFile, pidFile string) (int, error) {
	logf, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, fmt.Errorf("open log: %w", err)
	}
	defer logf.Close()
	full := append([]string{"netns", "exec", l.cfg.Namespace}, argv...)
	cmd := exec.Command("ip", full...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", argv[0], err)
	}
	pid := cmd.Process.Pid
	go func() { _ = cmd.Wait() }()
	if err := writeFileAtomic(pidFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		return 0, err
	}
	return pid, nil
}

// readPid reads a pid file; 0 when there is none.
func readPid(pidFile string) (int, error) {
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, fmt.Errorf("pid file %s: bad pid %q", pidFile, strings.TrimSpace(string(b)))
	}
	return pid, nil
}

// alive reports whether pid runs (not a zombie) and its command line holds
// marker, so that a recycled pid is never taken for ours.
func alive(pid int, marker string) bool {
	if pid <= 1 || gone(pid) {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	return strings.Contains(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})), marker)
}

// livePid returns the pid in pidFile if that process is alive and ours.
func livePid(pidFile, marker string) int {
	pid, err := readPid(pidFile)
	if err != nil || !alive(pid, marker) {
		return 0
	}
	return pid
}

// stopPid ends pid with SIGTERM, then SIGKILL after grace. It reports
// whether the process was ours and running.
func stopPid(pid int, marker string, grace time.Duration) bool {
	if !alive(pid, marker) {
		return false
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !alive(pid, marker) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 100 && alive(pid, marker); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// writeFileAtomic writes a file through a temporary file and a rename, so a
// reader never sees it half-written.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// gone tells whether pid has exited (no process, or a zombie).
func gone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
