package bmc

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
)

// simBMC is a real OpenIPMI ipmi_sim on loopback whose chassis_control
// program records every call and keeps the power state in a file.
type simBMC struct {
	ep    Endpoint
	calls string // file the chassis_control program appends "get|set KIND VALUE" lines to
}

const simPassword = "Hunter2-secret77"

const simHook = `#!/bin/sh
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

const simLanConf = `name "racksmith-bmc-test"
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

const simEmu = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`

// needTools fails the test loudly when a prerequisite is missing.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs ipmi_sim/ipmitool: not run with -short (make test runs it)")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install Debian packages openipmi and ipmitool (make setup): %v", tool, err)
		}
	}
}

// freeUDPPort returns a loopback UDP port nothing listens on right now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	return port
}

func startSim(t *testing.T) *simBMC {
	t.Helper()
	needTools(t, "ipmi_sim", "ipmitool")
	dir := t.TempDir()
	port := freeUDPPort(t)
	hook := filepath.Join(dir, "chassis")
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("chassis", simHook, 0o755)
	write("lan.conf", fmt.Sprintf(simLanConf, port, hook, simPassword), 0o600)
	write("cmds.emu", simEmu, 0o600)

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
	// ready once the port is taken
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
	return &simBMC{
		ep: Endpoint{
			Address: "127.0.0.1", Port: port, Protocol: ProtocolIPMI,
			Username: "admin", Password: simPassword, Timeout: 5 * time.Second,
		},
		calls: filepath.Join(dir, "calls"),
	}
}

// setCalls returns the "set ..." lines the chassis program received.
func (s *simBMC) setCalls(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(s.calls)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var sets []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(l, "set ") {
			sets = append(sets, l)
		}
	}
	return sets
}

// waitSetCalls waits until the chassis program has received want "set" calls.
func (s *simBMC) waitSetCalls(t *testing.T, want []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.setCalls(t)
		if strings.Join(got, "|") == strings.Join(want, "|") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("chassis program calls: got %q, want %q", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
