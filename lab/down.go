package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// stopGrace is how long a process gets between SIGTERM and SIGKILL.
const stopGrace = 3 * time.Second

// Stopped is what Down stopped.
type Stopped struct {
	Processes []string // "what pid"
	Namespace bool     // the namespace was deleted
}

// Down stops everything the lab started, by the pids it recorded: BMCs
// first (so none powers a VM on again), then boot servers, then VMs; then
// any process still in the namespace, then the namespace. It works after a
// crash of `lab up` and when the lab is already down. With purge it also
// removes the run directory (disk images, password).
func (l *Lab) Down(ctx context.Context, purge bool) (*Stopped, error) {
	st := &Stopped{}
	entries, err := os.ReadDir(l.cfg.RunDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("read run directory: %w", err)
	}
	type proc struct{ what, pidFile, marker string }
	var bmcs, servers, vms []proc
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(l.cfg.RunDir, e.Name())
		if site, ok := strings.CutPrefix(e.Name(), bootServerDir); ok {
			servers = append(servers, proc{"boot server " + site, filepath.Join(dir, "pid"), "--interface rs-" + site})
			continue
		}
		bmcs = append(bmcs, proc{"bmc " + e.Name(), filepath.Join(dir, fileSimPid), dir + "/"})
		vms = append(vms,
			proc{"vm " + e.Name(), filepath.Join(dir, fileQEMUPid), filepath.Join(dir, fileQEMUPid)},
			proc{"powered-off vm " + e.Name(), filepath.Join(dir, fileQEMUDying), filepath.Join(dir, fileQEMUPid)})
	}
	for _, group := range [][]proc{bmcs, servers, vms} {
		for _, p := range group {
			pid, err := readPid(p.pidFile)
			if err != nil {
				l.log.Warn("unreadable pid file", "file", p.pidFile, "error", err)
			}
			if pid != 0 && stopPid(pid, p.marker, stopGrace) {
				st.Processes = append(st.Processes, fmt.Sprintf("%s %d", p.what, pid))
				l.log.Info("stopped", "what", p.what, "pid", pid)
			}
			if err := os.Remove(p.pidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
				return st, err
			}
		}
	}
	var errs []error
	if namespaceExists(l.cfg.Namespace) {
		// whatever still runs in our namespace was started by us or by our
		// BMCs' chassis programs
		for _, pid := range namespacePids(ctx, l.cfg.Namespace) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			st.Processes = append(st.Processes, fmt.Sprintf("stray %d", pid))
			l.log.Warn("killed stray process in lab namespace", "pid", pid)
		}
		waitGone(ctx, l.cfg.Namespace)
		if _, err := ip(ctx, "netns", "del", l.cfg.Namespace); err != nil {
			errs = append(errs, err)
		} else {
			st.Namespace = true
		}
	}
	if err := os.Remove(filepath.Join(l.cfg.RunDir, fileLayout)); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	if purge {
		if err := os.RemoveAll(l.cfg.RunDir); err != nil {
			errs = append(errs, err)
		}
	}
	return st, errors.Join(errs...)
}

// waitGone waits up to a few seconds for the namespace to hold no process.
func waitGone(ctx context.Context, ns string) {
	for i := 0; i < 100 && len(namespacePids(ctx, ns)) > 0; i++ {
		time.Sleep(30 * time.Millisecond)
	}
}
