package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Faults a test injects into a running lab: a BMC that stops answering, a
// VM that loses power, a boot server that restarts. Each acts by the pid
// files the lab wrote, never on another lab's processes.

// StopBMC stops host name's BMC (its ipmi_sim), as a BMC that hangs or
// loses its network would: nothing answers at its address any more. The
// VM keeps running. It reports whether the BMC was running.
func (l *Lab) StopBMC(name string) (bool, error) {
	h, err := l.labHost(name)
	if err != nil {
		return false, err
	}
	dir := l.hostDir(h.Name)
	pidFile := filepath.Join(dir, fileSimPid)
	pid, err := readPid(pidFile)
	if err != nil {
		return false, err
	}
	stopped := pid != 0 && stopPid(pid, dir+"/", stopGrace)
	_ = os.Remove(pidFile)
	l.log.Info("bmc stopped", "host", h.Name, "bmc", h.BMC.String(), "was_running", stopped)
	return stopped, nil
}

// StartBMC starts host name's BMC again (after StopBMC) and waits until it
// answers.
func (l *Lab) StartBMC(ctx context.Context, name string) error {
	h, err := l.labHost(name)
	if err != nil {
		return err
	}
	dir := l.hostDir(h.Name)
	if pid := livePid(filepath.Join(dir, fileSimPid), dir+"/"); pid != 0 {
		return fmt.Errorf("host %s: bmc already running (pid %d)", h.Name, pid)
	}
	password, err := Password(l.cfg.RunDir)
	if err != nil {
		return err
	}
	if err := l.startBMC(h); err != nil {
		return fmt.Errorf("host %s: %w", h.Name, err)
	}
	return l.waitBMC(ctx, h, password)
}

// KillVM kills host name's VM with SIGKILL, as a pulled power cord would:
// no shutdown, disks left as they are. Its BMC then reports power off. It
// returns the pid killed.
func (l *Lab) KillVM(name string) (int, error) {
	h, err := l.labHost(name)
	if err != nil {
		return 0, err
	}
	pidFile := filepath.Join(l.hostDir(h.Name), fileQEMUPid)
	pid := livePid(pidFile, pidFile)
	if pid == 0 {
		return 0, fmt.Errorf("host %s: no running vm (pid file %s)", h.Name, pidFile)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return 0, fmt.Errorf("host %s: kill vm %d: %w", h.Name, pid, err)
	}
	for i := 0; i < 250 && alive(pid, pidFile); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	l.log.Info("vm killed", "host", h.Name, "pid", pid)
	return pid, nil
}

// RestartBootServers stops every site's boot server and starts it again on
// its state file, as after a crash or an upgrade. The lab must have been
// given its boot server configuration (Config.BootServer).
func (l *Lab) RestartBootServers() error {
	if l.cfg.BootServer == nil {
		return fmt.Errorf("restart boot servers: the lab has no boot server configuration")
	}
	lay, err := l.LoadLayout()
	if err != nil {
		return err
	}
	return l.restartBootServers(context.Background(), lay)
}

// labHost is a BMC-managed host of the running lab.
func (l *Lab) labHost(name string) (*Host, error) {
	lay, err := l.LoadLayout()
	if err != nil {
		return nil, err
	}
	h, ok := lay.Host(name)
	if !ok || h.Unknown {
		return nil, fmt.Errorf("no server %s with a bmc in the lab %s", name, l.cfg.Namespace)
	}
	return h, nil
}
