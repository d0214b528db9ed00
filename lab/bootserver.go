package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// bootServerMarker identifies a site's boot server in its command line.
func bootServerMarker(bs *BootServer) string { return "--interface " + bs.Interface }

func (l *Lab) bootServerDir(site string) string {
	return filepath.Join(l.cfg.RunDir, bootServerDir+site)
}

// startBootServers starts `racksmith pxe serve` for each site in the
// namespace, when the lab is configured with a boot server binary.
func (l *Lab) startBootServers(ctx context.Context, lay *Layout) error {
	if l.cfg.BootServer == nil {
		l.log.Warn("boot servers not started: no racksmith binary with `pxe serve` configured")
		return nil
	}
	if err := ensureToken(filepath.Join(l.cfg.RunDir, FileAPIToken)); err != nil {
		return err
	}
	for i := range lay.BootServers {
		bs := &lay.BootServers[i]
		dir := l.bootServerDir(bs.Site)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		argv := append([]string{l.cfg.BootServer.Binary, "pxe", "serve",
			"--stack", l.cfg.BootServer.Stack, "--site", bs.Site, "--interface", bs.Interface,
			"--state", filepath.Join(dir, "pxe.db")},
			l.cfg.BootServer.Extra...)
		pid, err := l.startInNamespace(argv, filepath.Join(dir, "log"), filepath.Join(dir, "pid"))
		if err != nil {
			return fmt.Errorf("boot server %s: %w", bs.Site, err)
		}
		if err := l.waitServing(ctx, bs, pid); err != nil {
			return err
		}
		l.log.Info("boot server started", "site", bs.Site, "interface", bs.Interface, "pid", pid)
	}
	return nil
}

// ensureToken writes a random API token to path (0600) unless it exists.
func ensureToken(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("generate api token: %w", err)
	}
	return writeFileAtomic(path, []byte(hex.EncodeToString(b)+"\n"), 0o600)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// Files of the boot servers in the run directory.
const (
	// FileAPIToken is the boot servers' provisioning API token (0600), one
	// for the whole lab; `racksmith up` reads it.
	FileAPIToken = "api-token"
)

// NewBootServerConfig runs `binary pxe serve` per site with its state in
// the run directory, the lab's one API token, files served from files,
// router advertisements (iPXE's IPv6 wait) and discovery of unknown hosts.
func NewBootServerConfig(binary, stack, runDir, files string, extra []string) *BootServerConfig {
	return &BootServerConfig{
		Binary: binary,
		Stack:  stack,
		Extra: append([]string{
			"--api-token-file", filepath.Join(runDir, FileAPIToken),
			"--files", files,
			"--ra", "--discovery",
		}, extra...),
	}
}
