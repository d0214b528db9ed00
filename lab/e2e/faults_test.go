package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/racksmith/racksmith/images/inspect"
	"github.com/racksmith/racksmith/lab"
	"github.com/racksmith/racksmith/lab/labtest"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/nstest"
	"github.com/racksmith/racksmith/pxe/plan"
)

// faultHost is the one server of the faults lab.
const faultHost = "fra1-node1"

// stageAfterDisks matches the stages an install reaches once it has
// partitioned the disks (what "killed mid-install" means here).
var stageAfterDisks = regexp.MustCompile(`at stage "(raid|luks|filesystem|image|files|bootloader)"`)

// TestFaults drives `racksmith up` on a one-server lab through three faults
// in turn, each with real parts (ipmi_sim, QEMU, boot server, Pulumi):
//
//   - the BMC does not answer: up fails naming the host and the BMC, the
//     boot server holds no intent and the server is not in the state;
//   - the VM loses its power mid-install: up fails naming the stage; the
//     next up reinstalls it,
//   - while the boot server restarts under that reinstall: up succeeds and
//     the host checks out on its disks (lab verify).
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("lab end-to-end test: needs root, QEMU, ipmi_sim; run without -short")
	}
	start := time.Now()
	l := labtest.Start(t, labtest.Options{Servers: []string{faultHost}, Prefix: "flt"})
	techDropRoles(t, l.Inventory)
	t.Logf("lab up: %.1fs", time.Since(start).Seconds())
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	f := &faultRig{t: t, l: l, host: l.Host(faultHost)}
	defer func() { cancel(); f.ups.Wait() }() // a background up logs to t: it must end first
	// the same lab, able to restart its boot servers as `lab up` started them
	f.fault = lab.New(lab.Config{Namespace: l.Namespace, RunDir: l.RunDir,
		BootServer: lab.NewBootServerConfig(filepath.Join(l.Root, "bin", "racksmith"), l.Inventory, l.RunDir,
			filepath.Join(l.Root, "images", ".build"), nil)},
		slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	f.boot = f.bootClient()

	if !t.Run("bmc-silent", func(t *testing.T) { f.bmcSilent(ctx, t) }) {
		return
	}
	if !t.Run("vm-killed-mid-install", func(t *testing.T) { f.vmKilled(ctx, t) }) {
		return
	}
	t.Run("boot-server-restart-during-reinstall", func(t *testing.T) { f.bootServerRestart(ctx, t) })
	t.Logf("faults: %.1fs", time.Since(start).Seconds())
}

type faultRig struct {
	t     *testing.T
	l     *labtest.Lab
	host  *lab.Host
	fault *lab.Lab
	boot  *client.Client // the site's boot server, reached inside the lab's namespace
	ups   sync.WaitGroup // ups running in the background
}

// (a) A silent BMC fails up with a message naming host and BMC, leaves no
// intent at the boot server and no server in the state; the next up works
// once the BMC is back (checked by the next scenario).
func (f *faultRig) bmcSilent(ctx context.Context, t *testing.T) {
	running, err := f.fault.StopBMC(faultHost)
	if err != nil || !running {
		t.Fatalf("stop the bmc of %s: running %v, %v", faultHost, running, err)
	}
	start := time.Now()
	out, err := f.l.StackCmd(ctx, "up")
	t.Logf("up with a silent bmc: %.1fs", time.Since(start).Seconds())
	if err == nil {
		t.Fatalf("up succeeded with the bmc of %s stopped:\n%s", faultHost, out)
	}
	for _, want := range []string{faultHost, f.host.BMC.String(), "bmc unreachable"} {
		if !strings.Contains(out, want) {
			t.Errorf("up's output does not name %q:\n%s", want, out)
		}
	}
	pw, err := lab.Password(f.l.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, pw) {
		t.Errorf("up's output holds the bmc password in plain text")
	}
	if st, err := f.boot.GetHost(ctx, f.host.MAC); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("boot server after the failed up: %+v, %v; want no intent for %s", st, err, f.host.MAC)
	}
	out, err = f.l.StackCmd(ctx, "preview")
	if err != nil || !strings.Contains(out, "create 1") {
		t.Errorf("preview after the failed up: %v; want the server still to create:\n%s", err, out)
	}
	if err := f.fault.StartBMC(ctx, faultHost); err != nil {
		t.Fatalf("restart the bmc: %v", err)
	}
}

// (c) A VM killed once its disks are partitioned fails up within seconds,
// naming the host and the stage; the host is left to the next up.
func (f *faultRig) vmKilled(ctx context.Context, t *testing.T) {
	up := f.upInBackground(ctx)
	var st plan.Status
	for {
		if ctx.Err() != nil {
			t.Fatalf("the install never got past the disks: last status %+v", st)
		}
		select {
		case r := <-up:
			t.Fatalf("up ended before the vm could be killed: %v\n%s", r.err, r.out)
		case <-time.After(300 * time.Millisecond):
		}
		s, err := f.boot.GetHost(ctx, f.host.MAC)
		if err != nil {
			continue
		}
		st = s
		if st.State == plan.StateInstalled || st.State == plan.StateFailed {
			t.Fatalf("the install ended (%s at %s) before the vm could be killed", st.State, st.Stage)
		}
		if st.State == plan.StateInstalling && stageAfterDisks.MatchString(`at stage "`+st.Stage+`"`) {
			break
		}
	}
	pid, err := f.fault.KillVM(faultHost)
	if err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	t.Logf("vm %d killed at stage %s", pid, st.Stage)
	var r upResult
	select {
	case r = <-up:
	case <-time.After(3 * time.Minute):
		t.Fatalf("up still running 3 minutes after the vm was killed")
	}
	t.Logf("up ended %.1fs after the kill", time.Since(killed).Seconds())
	if r.err == nil {
		t.Fatalf("up succeeded although the vm was killed mid-install:\n%s", r.out)
	}
	if !strings.Contains(r.out, faultHost) || !strings.Contains(r.out, "powered off") || !stageAfterDisks.MatchString(r.out) {
		t.Errorf("up's output does not say %s powered off at a stage past the disks:\n%s", faultHost, r.out)
	}
}

// (b), and the retry of (c): the next up reinstalls the killed host; its
// site's boot server is restarted while the installer runs (once it has
// its plan, while it downloads the image and boot files), and up succeeds.
func (f *faultRig) bootServerRestart(ctx context.Context, t *testing.T) {
	console := filepath.Join(f.l.RunDir, faultHost, "console.log")
	from := fileSize(console)
	up := f.upInBackground(ctx)
	planned := regexp.MustCompile(`msg=stage .*stage=plan\b`)
	for {
		if ctx.Err() != nil {
			t.Fatalf("the installer never reached its plan; console:\n%s", tailFrom(console, from))
		}
		select {
		case r := <-up:
			t.Fatalf("up ended before the boot server could be restarted: %v\n%s\nconsole:\n%s", r.err, r.out, tailFrom(console, from))
		case <-time.After(200 * time.Millisecond):
		}
		if planned.MatchString(tailFrom(console, from)) {
			break
		}
	}
	restart := time.Now()
	if err := f.fault.RestartBootServers(); err != nil {
		t.Fatalf("restart boot servers: %v", err)
	}
	t.Logf("boot servers restarted in %.1fs while the installer ran", time.Since(restart).Seconds())
	var r upResult
	select {
	case r = <-up:
	case <-ctx.Done():
		t.Fatalf("up did not end; console:\n%s", tailFrom(console, from))
	}
	if r.err != nil {
		t.Fatalf("up after a boot server restart mid-install: %v\n%s\nconsole:\n%s", r.err, r.out, tailFrom(console, from))
	}
	if !strings.Contains(r.out, faultHost) || !strings.Contains(r.out, "installed") {
		t.Errorf("up's output does not show %s installed:\n%s", faultHost, r.out)
	}
	// what the agent said of the restart (retries, lost events)
	for _, line := range strings.Split(tailFrom(console, from), "\n") {
		if strings.Contains(line, "level=WARN") {
			t.Logf("installer: %s", strings.TrimSpace(line))
		}
	}
	rep := f.verify(ctx, t)
	if len(rep.Arrays) != 2 || rep.LUKS == nil || rep.LUKS.Version != 2 || !rep.Key.Opens || !rep.Key.WrongRejected {
		t.Errorf("%s on its disks: arrays %d, luks %+v, key %+v", faultHost, len(rep.Arrays), rep.LUKS, rep.Key)
	}
	out, err := f.l.StackCmd(ctx, "preview")
	if err != nil || !strings.Contains(out, "(changes: false)") {
		t.Errorf("preview after the recovered up: %v\n%s", err, out)
	}
}

// noRoleFiles is lab verify's complaint about a host with no role files:
// expected here, the one-server stack carries no roles.
const noRoleFiles = "the installer reported no role files"

// verify runs `racksmith lab verify --json` and returns the report of the
// one host, failing t on any finding but noRoleFiles.
func (f *faultRig) verify(ctx context.Context, t *testing.T) *inspect.Report {
	t.Helper()
	out, err := f.l.Racksmith(ctx, "lab", "verify", "--json", "--stack", f.l.Stack, "--dir", f.l.Project,
		"--bin", filepath.Join(f.l.Root, "bin"))
	var vs []verdict
	if i := strings.Index(out, "["); i < 0 || json.NewDecoder(strings.NewReader(out[i:])).Decode(&vs) != nil {
		t.Fatalf("lab verify --json: %v\n%s", err, out)
	}
	if len(vs) != 1 || vs[0].Report == nil {
		t.Fatalf("lab verify: %v\n%s", err, out)
	}
	for _, e := range vs[0].Errors {
		if e != noRoleFiles {
			t.Errorf("lab verify of %s: %s", vs[0].Host, e)
		}
	}
	return vs[0].Report
}

type upResult struct {
	out string
	err error
}

// upInBackground starts `racksmith up` and returns where its result comes.
func (f *faultRig) upInBackground(ctx context.Context) <-chan upResult {
	ch := make(chan upResult, 1)
	f.ups.Add(1)
	go func() {
		defer f.ups.Done()
		out, err := f.l.StackCmd(ctx, "up")
		ch <- upResult{out, err}
	}()
	return ch
}

// bootClient is a provisioning API client of the host's boot server whose
// connections are made inside the lab's namespace.
func (f *faultRig) bootClient() *client.Client {
	token, err := lab.APIToken(f.l.RunDir)
	if err != nil {
		f.t.Fatal(err)
	}
	ns := nstest.Netns{Name: f.l.Namespace}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := ns.Do(func() (err error) {
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
	c, err := client.New("http://10.11.0.2:8080", token, hc)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// tailFrom is what was written to path after offset from.
func tailFrom(path string, from int64) string {
	b, err := os.ReadFile(path)
	if err != nil || int64(len(b)) < from {
		return ""
	}
	return string(b[from:])
}
