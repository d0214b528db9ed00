package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ip runs iproute2's ip with args and wraps its stderr into the error.
func ip(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// namespaceExists reports whether the named network namespace exists.
func namespaceExists(name string) bool {
	_, err := os.Stat("/run/netns/" + name)
	return err == nil
}

// buildNetwork creates the namespace, its bridges with their addresses and
// one tap per host enslaved to its site's bridge.
func (l *Lab) buildNetwork(ctx context.Context, lay *Layout) error {
	ns := l.cfg.Namespace
	if _, err := ip(ctx, "netns", "add", ns); err != nil {
		return err
	}
	steps := [][]string{{"link", "set", "lo", "up"}}
	for _, br := range lay.Bridges {
		steps = append(steps, []string{"link", "add", br.Name, "type", "bridge"})
		for _, a := range br.Addrs {
			steps = append(steps, []string{"addr", "add", a.String(), "dev", br.Name})
		}
		steps = append(steps, []string{"link", "set", br.Name, "up"})
	}
	for _, h := range lay.Hosts {
		steps = append(steps, l.tapSteps(&h)...)
	}
	for _, s := range steps {
		if _, err := ip(ctx, append([]string{"-n", ns}, s...)...); err != nil {
			return err
		}
	}
	return nil
}

func (l *Lab) tapSteps(h *Host) [][]string {
	return [][]string{
		{"tuntap", "add", "dev", h.Tap, "mode", "tap"},
		{"link", "set", h.Tap, "master", h.Bridge},
		{"link", "set", h.Tap, "up"},
	}
}

// namespacePids lists the processes running in the namespace.
func namespacePids(ctx context.Context, ns string) []int {
	out, err := ip(ctx, "netns", "pids", ns)
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(out) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids
}
