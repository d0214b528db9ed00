package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Addresses inside the namespaces; nothing is routed outside them.
var (
	serverAddr = netip.MustParsePrefix("10.77.0.1/16")
	clientAddr = netip.MustParsePrefix("10.77.255.254/16")
	firstHost  = netip.MustParseAddr("10.77.1.1")
)

const (
	serverIf = "vs"
	clientIf = "vc"
)

type bench struct {
	log      *slog.Logger
	serverNS string
	clientNS string
	dir      string
	procs    []*exec.Cmd
}

func newBench(log *slog.Logger) (*bench, error) {
	sfx := make([]byte, 3)
	rand.Read(sfx)
	name := "rs-bench-" + hex.EncodeToString(sfx)
	dir, err := os.MkdirTemp("", name+"-")
	if err != nil {
		return nil, err
	}
	return &bench{log: log, serverNS: name + "-s", clientNS: name + "-c", dir: dir}, nil
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// setupNetwork: server namespace with vs (10.77.0.1/16), client namespace
// with vc (promiscuous, unaddressed for DHCP) at the other end of a veth.
func (b *bench) setupNetwork() error {
	steps := [][]string{
		{"netns", "add", b.serverNS},
		{"netns", "add", b.clientNS},
		{"-n", b.serverNS, "link", "set", "lo", "up"},
		{"-n", b.clientNS, "link", "set", "lo", "up"},
		{"-n", b.serverNS, "link", "add", serverIf, "type", "veth", "peer", "name", clientIf, "netns", b.clientNS},
		{"-n", b.serverNS, "addr", "add", serverAddr.String(), "dev", serverIf},
		{"-n", b.serverNS, "link", "set", serverIf, "up"},
		{"-n", b.clientNS, "link", "set", clientIf, "promisc", "on", "up"},
	}
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			return err
		}
	}
	b.log.Info("namespaces ready", "server", b.serverNS, "client", b.clientNS, "dir", b.dir)
	return nil
}

// start runs a command inside ns; ip netns exec execs it, so the PID is
// the daemon's own.
func (b *bench) start(ns, logName string, args ...string) (*exec.Cmd, error) {
	logf, err := os.Create(b.path(logName))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", args[0], err)
	}
	logf.Close()
	b.procs = append(b.procs, cmd)
	return cmd, nil
}

// stop ends a process we started: SIGTERM, then SIGKILL after 3 s.
func (b *bench) stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func (b *bench) path(name string) string { return b.dir + "/" + name }

func (b *bench) cleanup() {
	for _, p := range b.procs {
		b.stop(p)
	}
	for _, ns := range []string{b.clientNS, b.serverNS} {
		if err := ipCmd("netns", "del", ns); err != nil {
			b.log.Warn("cleanup", "err", err)
		}
	}
	os.RemoveAll(b.dir)
}
