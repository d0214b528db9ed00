package lab

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/racksmith/racksmith/pxe/nstest"
)

// bootServerReady is how long a started boot server may take to accept
// HTTP connections (it opens its state and binds DHCP, TFTP and HTTP first;
// a loaded machine takes seconds).
const bootServerReady = 30 * time.Second

// waitServing waits until the boot server of bs accepts TCP connections on
// its boot URL inside the lab's namespace, failing early (with the tail of
// its log) when the process exits.
func (l *Lab) waitServing(ctx context.Context, bs *BootServer, pid int) error {
	u, err := url.Parse(bs.URL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("boot server %s: url %q: %v", bs.Site, bs.URL, err)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	ctx, cancel := context.WithTimeout(ctx, bootServerReady)
	defer cancel()
	for {
		// gone, not "not alive": right after the fork the child's command
		// line is still ours (no marker) until it has exec'd
		if gone(pid) {
			log, _ := os.ReadFile(filepath.Join(l.bootServerDir(bs.Site), "log"))
			return fmt.Errorf("boot server %s exited at start: %q", bs.Site, tail(string(log), 800))
		}
		err := nstest.Netns{Name: l.cfg.Namespace}.Do(func() error {
			c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", addr)
			if err == nil {
				c.Close()
			}
			return err
		})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("boot server %s (pid %d) not serving %s within %s: %w", bs.Site, pid, addr, bootServerReady, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
