package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// bootServerMarker identifies a site's boot server in its command line.
func bootServerMarker(bs *BootServer) string { return "--interface " + bs.Interface }

func (l *Lab) bootServerDir(site string) string {
	return filepath.Join(l.cfg.RunDir, bootServerDir+site)
}

// startBootServers starts `racksmith pxe serve` for each site in the
// namespace, when the lab is configured with a boot server binary.
func (l *Lab) startBootServers(lay *Layout) error {
	if l.cfg.BootServer == nil {
		l.log.Warn("boot servers not started: no racksmith binary with `pxe serve` configured")
		return nil
	}
	for i := range lay.BootServers {
		bs := &lay.BootServers[i]
		dir := l.bootServerDir(bs.Site)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		argv := append([]string{l.cfg.BootServer.Binary, "pxe", "serve",
			"--stack", l.cfg.BootServer.Stack, "--site", bs.Site, "--interface", bs.Interface},
			l.cfg.BootServer.Extra...)
		pid, err := l.startInNamespace(argv, filepath.Join(dir, "log"), filepath.Join(dir, "pid"))
		if err != nil {
			return fmt.Errorf("boot server %s: %w", bs.Site, err)
		}
		time.Sleep(300 * time.Millisecond)
		if !alive(pid, bootServerMarker(bs)) {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			return fmt.Errorf("boot server %s exited at start: %q", bs.Site, tail(string(log), 800))
		}
		l.log.Info("boot server started", "site", bs.Site, "interface", bs.Interface, "pid", pid)
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
