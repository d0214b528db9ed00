package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/provider"
	"github.com/racksmith/racksmith/provider/internal/testbed"
	"github.com/racksmith/racksmith/stacks/program"
)

// e2eInventory is a one-server stack whose BMC is the test's ipmi_sim and
// whose site's boot server is the test's in-process one, both on loopback.
const e2eInventory = `
site "fra1" {
  region  = "eu-central"
  address = "loopback"
  network {
    prefix      = "127.0.0.0/8"
    gateway     = "127.0.0.3"
    boot_server = "127.0.0.2"
    boot_url    = "%s"
  }
}

rack "fra1-r1" {
  site   = "fra1"
  height = 42
}

pdu "fra1-pdu-a" {
  site       = "fra1"
  rack       = "fra1-r1"
  feed       = "A"
  capacity_w = 3680
  outlets    = 24
}

credential "test-bmc" {
  username = "admin"
  password = "pulumi:bmcPassword"
}

server "fra1-node1" {
  site    = "fra1"
  rack    = "fra1-r1"
  u       = 10
  height  = 1
  serial  = "RS-test-1"
  address = "127.0.0.21/8"
  image   = "lab-busybox"
  psu {
    pdu    = "fra1-pdu-a"
    outlet = 1
    watts  = 120
  }
  bmc {
    address    = "127.0.0.1"
    port       = %d
    protocol   = "ipmi"
    credential = "test-bmc"
  }
  nic "eth0" {
    mac     = "%s"
    purpose = "provisioning"
  }
  disk "d0" {
    path = "/dev/vda"
    size = "512MiB"
  }
  disk "d1" {
    path = "/dev/vdb"
    size = "512MiB"
  }
  storage {
    raid_level = 1
    disks      = ["d0", "d1"]
    encryption {
      type             = "luks2"
      pbkdf            = "pbkdf2"
      pbkdf_iterations = 1000
      key_source       = "bootserver"
    }
  }
}
`

// repoRoot is the repository root (this package is provider/).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// pluginBin builds the provider plugin from this tree into a fresh folder
// beside a link to the Pulumi CLI of bin/.
func pluginBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: needs bin/pulumi, the Go toolchain and ipmi_sim (make test runs it)")
	}
	root := repoRoot(t)
	cli := filepath.Join(root, "bin", "pulumi")
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("Pulumi CLI missing at %s: run `make setup` (builds it from the Go module proxy): %v", cli, err)
	}
	bin := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cli, filepath.Join(bin, "pulumi")); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "pulumi-resource-racksmith"), "./cmd/pulumi-resource-racksmith")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build provider plugin: %v\n%s", err, out)
	}
	return bin
}

// TestUpThroughAutomationAPI runs preview, up (an install of over a
// minute), a no-op up, refresh and destroy with the real Pulumi engine and
// the real plugin against a real ipmi_sim and the in-process boot server,
// then searches everything the run wrote for the BMC password, the LUKS key
// and the API token.
func TestUpThroughAutomationAPI(t *testing.T) {
	bin := pluginBin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	b := testbed.StartBMC(t, testPassword)
	boot := testbed.StartBootServer(t, testToken)
	const mac = "52:54:00:11:00:21"
	// The install takes longer than a minute: nothing on the way (engine,
	// gRPC, plugin) may cut it.
	const installTime = 65 * time.Second
	host := &testbed.Host{MAC: mac, BMC: b, Boot: boot, Next: func(mode string) testbed.Outcome {
		if mode == "install" {
			return testbed.Outcome{Delay: installTime}
		}
		return testbed.Outcome{}
	}}
	hostCtx, stopHost := context.WithCancel(ctx)
	defer stopHost()
	go host.Run(hostCtx)

	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", "name: racksmith\nruntime: go\nmain: stacks/\nstackConfigDir: stacks\n")
	write("stacks/Pulumi.e2e.yaml", "config:\n  racksmith:inventory: stacks/e2e\n")
	write("stacks/e2e/inventory.hcl", fmt.Sprintf(e2eInventory, boot.URL, b.Endpoint.Port, mac))

	var out bytes.Buffer
	st := program.Stack{
		Name: "e2e", Dir: dir, Bin: bin, Out: &out,
		Env:     map[string]string{provider.TokenEnv: testToken, "PULUMI_HOME": t.TempDir()},
		Secrets: map[string]string{"racksmith:bmcPassword": testPassword},
	}
	step := func(name string, f func() error) {
		t.Helper()
		start := time.Now()
		out.Reset()
		if err := f(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out.String())
		}
		t.Logf("%s: %.1fs", name, time.Since(start).Seconds())
	}

	step("preview", func() error {
		changes, summary, err := st.Preview(ctx)
		if err == nil && (!changes || !strings.Contains(summary, "create 2")) {
			err = fmt.Errorf("preview summary %q changes %v; want the stack and the server created", summary, changes)
		}
		if n := len(b.SetCalls()); err == nil && n != 0 {
			err = fmt.Errorf("preview reached the BMC (%d calls)", n)
		}
		return err
	})
	step("up", func() error {
		start := time.Now()
		res, err := st.Up(ctx)
		if err == nil && time.Since(start) < installTime {
			err = fmt.Errorf("up returned before the installer finished")
		}
		if err != nil {
			return err
		}
		if got := res.Outputs["installState"].Value.(map[string]any)["fra1-node1"]; got != "installed" {
			return fmt.Errorf("installState output %v", got)
		}
		return nil
	})
	if len(host.Keys()) != 1 {
		t.Fatalf("installer fetched %d keys, want 1", len(host.Keys()))
	}
	calls := len(b.SetCalls())
	step("no-op up", func() error {
		res, err := st.Up(ctx)
		if err == nil && res.Summary.ResourceChanges != nil && (*res.Summary.ResourceChanges)["same"] != 2 {
			err = fmt.Errorf("no-op up changed something: %v", *res.Summary.ResourceChanges)
		}
		return err
	})
	if len(b.SetCalls()) != calls {
		t.Fatalf("no-op up touched the BMC: %q", b.SetCalls())
	}
	step("preview without changes", func() error {
		changes, summary, err := st.Preview(ctx)
		if err == nil && changes {
			err = fmt.Errorf("preview of an applied stack reports changes: %s", summary)
		}
		return err
	})
	step("refresh", func() error { _, err := st.Refresh(ctx); return err })

	secrets := map[string]string{"BMC password": testPassword, "LUKS key": host.Keys()[0], "API token": testToken}
	grepTree(t, filepath.Join(dir, "stacks", "e2e", ".pulumi"), secrets)
	grepFile(t, boot.Path, map[string]string{"BMC password": testPassword, "LUKS key": host.Keys()[0]})
	stateFile := filepath.Join(dir, "stacks", "e2e", ".pulumi", ".pulumi", "stacks", "racksmith", "e2e.json")
	state, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	// The grep above is not vacuous: the state holds both, encrypted.
	const secretSig = "4dabf18193072939515e22adb298388d"
	if !bytes.Contains(state, []byte(`"luksKey"`)) || !bytes.Contains(state, []byte(`"password"`)) || bytes.Count(state, []byte(secretSig)) < 2 {
		t.Fatalf("state %s lacks the encrypted luksKey and password", stateFile)
	}

	step("destroy", func() error { _, err := st.Destroy(ctx); return err })
	boots := host.Boots()
	if last := boots[len(boots)-1]; last.Mode != "wipe" || last.Result == nil || !last.Result.OK || b.On() {
		t.Fatalf("destroy: last boot %+v, powered on %v; want a wipe and power off", last, b.On())
	}
	grepTree(t, filepath.Join(dir, "stacks", "e2e", ".pulumi"), secrets)
	if errs := host.Errors(); len(errs) > 0 {
		t.Fatalf("host side: %v", errs)
	}
}

// grepTree fails if any file under root holds one of the secrets in plain text.
func grepTree(t *testing.T, root string, secrets map[string]string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		grepFile(t, path, secrets)
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walk %s: %v (%d files)", root, err, n)
	}
}

func grepFile(t *testing.T, path string, secrets map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for what, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s in plain text in %s", what, path)
		}
	}
}
