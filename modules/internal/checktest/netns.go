package checktest

import (
	"bytes"
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

// Link joins two namespaces with a veth pair whose ends are both named
// ifname, and brings them up.
func Link(t *testing.T, a, b *NS, ifname string) {
	t.Helper()
	tmpA, tmpB := "rsm"+a.Name[len(a.Name)-8:], "rsm"+b.Name[len(b.Name)-8:]
	Run(t, a.ip, "link", "add", tmpA, "type", "veth", "peer", "name", tmpB)
	Run(t, a.ip, "link", "set", tmpA, "netns", a.Name)
	Run(t, a.ip, "link", "set", tmpB, "netns", b.Name)
	a.Run(t, a.ip, "link", "set", tmpA, "name", ifname)
	b.Run(t, b.ip, "link", "set", tmpB, "name", ifname)
	a.Run(t, a.ip, "link", "set", ifname, "up")
	b.Run(t, b.ip, "link", "set", ifname, "up")
}

// AddAddrDev puts addresses (CIDR) on dev inside the namespace.
func (ns *NS) AddAddrDev(t *testing.T, dev string, cidrs ...string) {
	t.Helper()
	for _, c := range cidrs {
		ns.Run(t, ns.ip, "addr", "add", c, "dev", dev)
	}
}

// HasAddr reports whether dev in the namespace carries addr.
func (ns *NS) HasAddr(dev, addr string) bool {
	out, err := exec.Command(ns.ip, "-n", ns.Name, "-o", "addr", "show", "dev", dev).CombinedOutput()
	return err == nil && bytes.Contains(out, []byte(" "+addr+"/"))
}

// SetLink sets dev in the namespace "up" or "down".
func (ns *NS) SetLink(t *testing.T, dev, state string) {
	t.Helper()
	ns.Run(t, ns.ip, "link", "set", dev, state)
}

// Switch joins namespaces on one L2 segment: a bridge in a namespace of
// its own, and in each of nodes an interface ifname linked to it.
func Switch(t *testing.T, ifname string, nodes ...*NS) {
	t.Helper()
	sw := Netns(t, "br0")
	for i, n := range nodes {
		port := fmt.Sprintf("p%d", i)
		Link(t, sw, n, ifname+"x")
		sw.Run(t, sw.ip, "link", "set", ifname+"x", "name", port)
		sw.Run(t, sw.ip, "link", "set", port, "master", "br0")
		sw.Run(t, sw.ip, "link", "set", port, "up")
		n.Run(t, n.ip, "link", "set", ifname+"x", "down")
		n.Run(t, n.ip, "link", "set", ifname+"x", "name", ifname)
		n.Run(t, n.ip, "link", "set", ifname, "up")
	}
}
