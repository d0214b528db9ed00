package checktest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// NS is a scratch network namespace.
type NS struct {
	Name string
	ip   string
}

// Netns creates a network namespace, with loopback up and an interface for
// each of ifaces (checkers such as keepalived -t refuse interfaces that do
// not exist; an empty bridge serves, as this kernel has no dummy driver).
// The namespace is deleted when the test ends. Needs root and iproute2.
func Netns(t *testing.T, ifaces ...string) *NS {
	t.Helper()
	ip := Need(t, "ip", "iproute2")
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	ns := &NS{Name: "rs-modules-" + hex.EncodeToString(b), ip: ip}
	if out, err := exec.Command(ip, "netns", "add", ns.Name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s (the checker tests need root): %v\n%s", ns.Name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "delete", ns.Name).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v\n%s", ns.Name, err, out)
		}
	})
	ns.Run(t, ip, "link", "set", "lo", "up")
	for _, ifc := range ifaces {
		ns.Run(t, ip, "link", "add", ifc, "type", "bridge")
		ns.Run(t, ip, "link", "set", ifc, "up")
	}
	return ns
}

// Cmd is argv run inside the namespace.
func (ns *NS) Cmd(argv ...string) *exec.Cmd {
	return exec.Command(ns.ip, append([]string{"netns", "exec", ns.Name}, argv...)...)
}

// Run runs argv inside the namespace, failing the test when it fails.
func (ns *NS) Run(t *testing.T, argv ...string) string {
	t.Helper()
	return Run(t, ns.ip, append([]string{"netns", "exec", ns.Name}, argv...)...)
}

// AddAddr puts addresses (CIDR) on the namespace's loopback.
func (ns *NS) AddAddr(t *testing.T, cidrs ...string) {
	t.Helper()
	for _, c := range cidrs {
		ns.Run(t, ns.ip, "addr", "add", c, "dev", "lo")
	}
}

// Do runs fn on an OS thread switched into the namespace: sockets fn
// creates (net.Listen, net.Dial) live in the namespace after fn returns.
func (ns *NS) Do(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		return err
	}
	defer self.Close()
	target, err := os.Open("/run/netns/" + ns.Name)
	if err != nil {
		return err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter namespace %s: %w", ns.Name, err)
	}
	ferr := fn()
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread is stuck in the namespace: never give it back to Go.
		runtime.Goexit()
	}
	return ferr
}
