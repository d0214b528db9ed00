// Package testbed runs the real parts the provider's tests drive, on
// loopback: an OpenIPMI ipmi_sim BMC whose chassis_control program records
// every call, a boot server assembled from pxe/store, pxe/api and pxe/ipxe,
// and a Host that, when its BMC powers it on after a one-time PXE boot,
// fetches its iPXE script and does what the installer agent does over the
// boot server's HTTP API (plan, key, events, result).
//
// It is for tests only; a missing prerequisite fails the test with what to
// install.
package testbed

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/racksmith/racksmith/provider/bmc"
)

// BMC is a real ipmi_sim on 127.0.0.1.
type BMC struct {
	Endpoint bmc.Endpoint
	Dir      string
	calls    string
}

const hook = `#!/bin/sh
# chassis_control program: ipmi_sim calls "$0 get|set power|boot|reset VALUE".
dir=$(dirname "$0")
echo "$*" >> "$dir/calls"
case "$1 $2" in
"get power") if [ -f "$dir/on" ]; then echo "power:1"; else echo "power:0"; fi ;;
"get boot") echo "boot:$(cat "$dir/boot" 2>/dev/null || echo default)" ;;
"set power") if [ "$3" = 1 ]; then touch "$dir/on"; else rm -f "$dir/on"; fi ;;
"set boot") echo "$3" > "$dir/boot" ;;
esac
exit 0
`

const lanConf = `name "racksmith-provider-test"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 %d
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "%s"
  user 2 true "admin" "%s" admin 10 none md2 md5 straight
`

const emu = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`

// NeedTools fails the test when a program is missing.
func NeedTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install Debian packages openipmi and ipmitool (make setup): %v", tool, err)
		}
	}
}

// FreeUDPPort returns a loopback UDP port nothing listens on now.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// StartBMC starts ipmi_sim with user admin and password; it is killed at
// the end of the test.
func StartBMC(t testing.TB, password string) *BMC {
	t.Helper()
	NeedTools(t, "ipmi_sim", "ipmitool")
	dir := t.TempDir()
	port := FreeUDPPort(t)
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("chassis", hook, 0o755)
	write("lan.conf", fmt.Sprintf(lanConf, port, filepath.Join(dir, "chassis"), password), 0o600)
	write("cmds.emu", emu, 0o600)
	var out bytes.Buffer
	cmd := exec.Command("ipmi_sim", "-n", "-c", filepath.Join(dir, "lan.conf"), "-f", filepath.Join(dir, "cmds.emu"), "-s", state)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ipmi_sim: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		pc, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			break
		}
		pc.Close()
		if time.Now().After(deadline) {
			t.Fatalf("ipmi_sim did not listen on 127.0.0.1:%d within 5s: %s", port, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &BMC{
		Endpoint: bmc.Endpoint{Address: "127.0.0.1", Port: port, Protocol: bmc.ProtocolIPMI,
			Username: "admin", Password: password},
		Dir:   dir,
		calls: filepath.Join(dir, "calls"),
	}
}

// SetCalls returns the "set ..." calls the chassis program received, in order.
func (b *BMC) SetCalls() []string {
	raw, _ := os.ReadFile(b.calls)
	var sets []string
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if strings.HasPrefix(l, "set ") {
			sets = append(sets, l)
		}
	}
	return sets
}

// On tells whether the simulated host is powered on.
func (b *BMC) On() bool {
	_, err := os.Stat(filepath.Join(b.Dir, "on"))
	return err == nil
}

// SetOn powers the simulated host on or off behind the BMC's back (drift).
func (b *BMC) SetOn(on bool) {
	p := filepath.Join(b.Dir, "on")
	if on {
		_ = os.WriteFile(p, nil, 0o644)
	} else {
		_ = os.Remove(p)
	}
}
