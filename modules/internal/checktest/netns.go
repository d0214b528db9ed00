package checktest

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"testing"
)

// Netns creates a network namespace holding an interface (an empty bridge: this kernel has no dummy driver) for each of
// ifaces (checkers such as keepalived -t refuse interfaces that do not
// exist) and returns the argv prefix that runs a command inside it. The
// namespace is deleted when the test ends. Needs root and iproute2.
func Netns(t *testing.T, ifaces ...string) []string {
	t.Helper()
	ip := Need(t, "ip", "iproute2")
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "rs-modules-" + hex.EncodeToString(b)
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s (the checker tests need root): %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "delete", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v\n%s", name, err, out)
		}
	})
	in := []string{ip, "netns", "exec", name}
	Run(t, in[0], append(in[1:], ip, "link", "set", "lo", "up")...)
	for _, ifc := range ifaces {
		Run(t, in[0], append(in[1:], ip, "link", "add", ifc, "type", "bridge")...)
		Run(t, in[0], append(in[1:], ip, "link", "set", ifc, "up")...)
	}
	return in
}
