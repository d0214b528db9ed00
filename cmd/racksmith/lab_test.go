package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/lab"
	"github.com/racksmith/racksmith/pxe/nstest"
)

// TestLabMain is not a test: the lab test runs this test binary as its
// boot servers' racksmith (RACKSMITH_LAB_MAIN set, racksmith's arguments
// after "--"), and this runs the real command line.
func TestLabMain(t *testing.T) {
	if os.Getenv("RACKSMITH_LAB_MAIN") == "" {
		return
	}
	rootCmd.SetArgs(flag.Args())
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "racksmith:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// labWaitDHCP waits for the boot server logging to logFile to receive a
// DHCP DISCOVER from mac.
func labWaitDHCP(t *testing.T, logFile, mac string) {
	t.Helper()
	start := time.Now()
	for deadline := start.Add(60 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		b, _ := os.ReadFile(logFile)
		for _, line := range bytes.Split(b, []byte("\n")) {
			if bytes.Contains(line, []byte(`"mac":"`+mac+`"`)) && bytes.Contains(line, []byte(`"type":"DISCOVER"`)) {
				t.Logf("DHCP DISCOVER from %s after %s", mac, time.Since(start).Round(100*time.Millisecond))
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no DHCP from %s reached the boot server within 60s:\n%s", mac, b)
		}
	}
}

// labGetInNamespace GETs url over a connection opened inside namespace ns.
func labGetInNamespace(ns, url string) (string, error) {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := nstest.Netns{Name: ns}.Do(func() (err error) {
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
	cl := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: dial}}
	resp, err := cl.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %s", resp.Status)
	}
	return string(b), err
}

// TestLabBootServersAndUnknownHost: `racksmith lab up` on stacks/lab starts
// both sites' boot servers in the namespace; `lab add-unknown` racks a VM
// that network-boots and asks the fra1 boot server for an address; `lab
// status` shows it all; `lab down` leaves nothing behind.
func TestLabBootServersAndUnknownHost(t *testing.T) {
	if testing.Short() {
		t.Skip("needs root, network namespaces, ipmi_sim and QEMU: not run with -short (make test runs it)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the lab test needs root (network namespaces, taps, QEMU): CI runs make test as root")
	}
	if err := lab.CheckTools(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "racksmith")
	script := fmt.Sprintf("#!/bin/sh\nexec env RACKSMITH_LAB_MAIN=1 RACKSMITH_API_TOKEN= %s -test.run='^TestLabMain$' -- \"$@\"\n", os.Args[0])
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	labSelf = func() (string, error) { return wrapper, nil }
	defer func() { labSelf = os.Executable }()

	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	f := labFlags{
		stack: "../../stacks/lab", runDir: filepath.Join(dir, "run"),
		namespace: "rs-lab-e1-" + hex.EncodeToString(suffix),
		files:     dir, name: "disc1", site: "fra1",
	}
	ctx := context.Background()
	var stderr bytes.Buffer
	t.Cleanup(func() {
		if err := runLabDown(context.Background(), &bytes.Buffer{}, &stderr, f); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	if err := runLabUp(ctx, &stderr, f); err != nil {
		t.Fatalf("lab up: %v\n%s", err, stderr.String())
	}
	for _, url := range []string{"http://10.11.0.2:8080/healthz", "http://10.21.0.2:8080/healthz"} {
		out, err := labGetInNamespace(f.namespace, url)
		if err != nil {
			t.Fatalf("boot server %s inside the namespace: %v: %s", url, err, out)
		}
	}
	tok, err := os.Stat(filepath.Join(f.runDir, lab.FileAPIToken))
	if err != nil || tok.Mode().Perm() != 0o600 {
		t.Fatalf("api token file: %v %v", tok, err)
	}

	var out bytes.Buffer
	if err := runLabAddUnknown(ctx, &out, &stderr, f); err != nil {
		t.Fatalf("add-unknown: %v\n%s", err, stderr.String())
	}
	mac := lab.UnknownMAC("disc1")
	if !strings.Contains(out.String(), mac) {
		t.Fatalf("add-unknown said %q, want MAC %s", out.String(), mac)
	}

	// an inventory host network-boots when its BMC is told to: PXE once,
	// power on, and the ams1 boot server hears its DHCP
	l, err := labNew(&stderr, f, nil, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	lay, err := l.LoadLayout()
	if err != nil {
		t.Fatal(err)
	}
	pw, err := lab.Password(l.RunDir())
	if err != nil {
		t.Fatal(err)
	}
	h, _ := lay.Host("ams1-node2")
	c := l.BMC(h, pw, 5*time.Second)
	if err := c.SetPXEOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPower(ctx, "on"); err != nil {
		t.Fatal(err)
	}
	labWaitDHCP(t, filepath.Join(f.runDir, "boot-fra1", "log"), mac)
	labWaitDHCP(t, filepath.Join(f.runDir, "boot-ams1", "log"), h.MAC)

	out.Reset()
	f.json = true
	if err := runLabStatus(ctx, &out, &stderr, f); err != nil {
		t.Fatal(err)
	}
	var st lab.Status
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("status json: %v\n%s", err, out.String())
	}
	if len(st.Hosts) != 5 || len(st.BootServers) != 2 || st.Hosts[3].Power != "on" {
		t.Fatalf("status: %+v", st)
	}
	var pids []int
	for _, b := range st.BootServers {
		if b.Pid == 0 {
			t.Errorf("boot server %s not running", b.Site)
		}
		pids = append(pids, b.Pid)
	}
	for _, h := range st.Hosts {
		pids = append(pids, h.BMCPid, h.VMPid)
		if h.Name == "disc1" && (!h.Unknown || h.Power != "on" || h.VMPid == 0 || h.MAC != mac) {
			t.Errorf("unknown host: %+v", h)
		}
	}

	// lab exec: inside the namespace, with the secrets in the environment
	ec, err := labExecCommand(ctx, f, []string{"sh", "-c", `ip -br addr show rs-fra1; echo "$LAB_BMC_PASSWORD"; echo "$RACKSMITH_API_TOKEN"`})
	if err != nil {
		t.Fatal(err)
	}
	execOut, err := ec.CombinedOutput()
	tokBytes, _ := os.ReadFile(filepath.Join(f.runDir, lab.FileAPIToken))
	if err != nil || !strings.Contains(string(execOut), "10.11.0.2/24") || !strings.Contains(string(execOut), pw) ||
		!strings.Contains(string(execOut), strings.TrimSpace(string(tokBytes))) || strings.Contains(strings.Join(ec.Args, " "), pw) {
		t.Errorf("lab exec: %v: %s", err, execOut)
	}

	out.Reset()
	if err := runLabDown(ctx, &out, &stderr, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "deleted namespace "+f.namespace) {
		t.Errorf("down said %q", out.String())
	}
	if _, err := os.Stat("/run/netns/" + f.namespace); err == nil {
		t.Errorf("namespace %s left behind", f.namespace)
	}
	for _, pid := range pids {
		if pid == 0 {
			continue
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.Contains(string(b), f.runDir) {
			t.Errorf("pid %d still runs: %q", pid, b)
		}
	}
}
