package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// TestPXEServeMain is not a test: TestPXEServeSIGTERM runs the test binary
// again with RACKSMITH_PXE_MAIN set, and this runs the real command line.
func TestPXEServeMain(t *testing.T) {
	args := os.Getenv("RACKSMITH_PXE_MAIN")
	if args == "" {
		return
	}
	rootCmd.SetArgs(strings.Split(args, "\x1f"))
	os.Exit(exitCode(rootCmd.Execute()))
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// `racksmith pxe serve` serves the lab stack's site, creates its 0600 token
// and state files, and on SIGTERM shuts down cleanly with exit status 0.
func TestPXEServeSIGTERM(t *testing.T) {
	dir := t.TempDir()
	addr := freePort(t)
	state := filepath.Join(dir, "pxe.db")
	args := []string{"pxe", "serve", "--stack", "../../stacks/lab", "--site", "ams1",
		"--listen-http", addr, "--state", state, "--files", dir}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPXEServeMain$")
	cmd.Env = append(os.Environ(), "RACKSMITH_PXE_MAIN="+strings.Join(args, "\x1f"), "RACKSMITH_API_TOKEN=")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	}()

	var script string
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/boot/52:54:00:21:00:21.ipxe")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			script = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never answered: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.HasPrefix(script, "#!ipxe") {
		t.Fatalf("script: %s", script)
	}
	for _, f := range []string{state, state + ".seal", state + ".api-token"} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", f, fi, err)
		}
	}
	tok, _ := os.ReadFile(state + ".api-token")
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "http://"+addr+"/api/v1/hosts", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("api with the created token: %v %v", resp, err)
	}

	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit within 15s of SIGTERM\n%s", logs.String())
	}
	t.Logf("stopped %.2fs after SIGTERM", time.Since(start).Seconds())
	out := logs.String()
	if !strings.Contains(out, `"msg":"stopped"`) || strings.Contains(out, strings.TrimSpace(string(tok))) {
		t.Errorf("logs: no clean stop, or the token leaked:\n%s", out)
	}
}

// A broken inventory stops `pxe serve` before it binds anything: exit 1
// with the diagnostic naming file and line.
func TestPXEServeBadInventory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sites.hcl"), []byte("site \"fra1\" {\n  region = \"eu\"\n  network {\n    prefix = \"10.11.0.0/99\"\n  }\n}\n"), 0o644)
	args := []string{"pxe", "serve", "--stack", dir, "--site", "fra1", "--listen-http", freePort(t),
		"--state", filepath.Join(dir, "pxe.db"), "--files", dir}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPXEServeMain$")
	cmd.Env = append(os.Environ(), "RACKSMITH_PXE_MAIN="+strings.Join(args, "\x1f"))
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "sites.hcl line 4") || !strings.Contains(string(out), `"prefix"`) {
		t.Errorf("diagnostic does not name sites.hcl line 4 and the field:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "pxe.db")); err == nil {
		t.Error("state file created for a refused inventory")
	}
}

// --uefi-binary comes from the config file's uefi_binary unless given on
// the command line.
func TestPXEMergeConfigUEFIBinary(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pxe.json")
	os.WriteFile(cfg, []byte(`{"stack": "lab", "site": "fra1", "uefi_binary": "snponly.efi"}`), 0o644)
	for args, want := range map[string]string{"": "snponly.efi", "--uefi-binary=ipxe.efi": "ipxe.efi"} {
		f := pxeServeFlags{config: cfg}
		fl := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		fl.StringVar(&f.uefiBinary, "uefi-binary", "ipxe.efi", "")
		if err := fl.Parse(strings.Fields(args)); err != nil {
			t.Fatal(err)
		}
		if err := pxeMergeConfig(fl, &f); err != nil || f.uefiBinary != want {
			t.Errorf("%q: uefi binary %q, err %v; want %q", args, f.uefiBinary, err, want)
		}
	}
}

// Bad input to `pxe serve` is refused before anything is written: each case
// exits 1 with an error naming its flag, and neither the state folder nor
// the state, its seal or the API token file exist afterwards.
func TestPXEServeBadInputWritesNothing(t *testing.T) {
	files := t.TempDir()
	plain := filepath.Join(files, "vmlinuz")
	os.WriteFile(plain, []byte("kernel"), 0o644)
	base := []string{"--stack", "../../stacks/lab", "--site", "ams1", "--listen-http", freePort(t), "--files", files}
	for _, c := range []struct {
		name, flag string
		args       []string
	}{
		{"no such interface", "--interface", []string{"--interface", "rs-nosuch0"}},
		{"unknown uefi binary", "--uefi-binary", []string{"--uefi-binary", "evil.efi"}},
		{"uefi binary path", "--uefi-binary", []string{"--uefi-binary", "../ipxe.efi"}},
		{"missing files folder", "--files", []string{"--files", filepath.Join(files, "nope")}},
		{"files is a file", "--files", []string{"--files", plain}},
		{"unknown site", "--site", []string{"--site", "nosuch"}},
		{"missing stack", "--stack", []string{"--stack", filepath.Join(files, "nostack")}},
		{"bad log level", "--log-level", []string{"--log-level", "loud"}},
		{"token file folder missing", "--api-token-file", []string{"--api-token-file", filepath.Join(files, "nope", "token")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stateDir := filepath.Join(t.TempDir(), "state")
			state := filepath.Join(stateDir, "pxe.db")
			args := append(append([]string{"pxe", "serve"}, base...), "--state", state)
			args = append(args, c.args...)
			cmd := exec.Command(os.Args[0], "-test.run=^TestPXEServeMain$")
			cmd.Env = append(os.Environ(), "RACKSMITH_PXE_MAIN="+strings.Join(args, "\x1f"), "RACKSMITH_API_TOKEN=")
			out, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1\n%s", err, out)
			}
			if !strings.Contains(string(out), "racksmith: "+c.flag) {
				t.Errorf("error does not start with %s:\n%s", c.flag, out)
			}
			for _, p := range []string{stateDir, state, state + ".seal", state + ".api-token"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s exists after a refused start", p)
				}
			}
		})
	}
}

// A usage error of `pxe serve` (no --stack/--site) exits 1, as every
// other command's errors do; 2 is only "changes" (README, CI).
func TestPXEServeUsageErrorExit1(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPXEServeMain$")
	cmd.Env = append(os.Environ(), "RACKSMITH_PXE_MAIN="+strings.Join([]string{"pxe", "serve", "--site", "ams1"}, "\x1f"))
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "--stack") {
		t.Fatalf("exit: %v, want status 1 naming --stack\n%s", err, out)
	}
}
