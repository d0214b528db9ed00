package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/lab/labtest"
	"github.com/racksmith/racksmith/pxe/plan"
)

// uefiHost is the one server of the UEFI lab.
const uefiHost = "fra1-node1"

// TestUEFIHost runs `racksmith up` on a one-server lab whose server says
// firmware = "uefi": its VM runs OVMF and PXE-boots through the site's boot
// server (firmware PXE, ipxe.efi, the iPXE script) into the installer, which
// the provider's plan tells to lay systemd-boot on an ESP per disk; the host
// reboots in the same QEMU, asks the boot server again, gets the local
// script, whose exit hands back to OVMF, boots its disks and reports
// booted. From outside: lab verify (arrays, LUKS2, key) and an ESP with
// \EFI\BOOT\BOOTX64.EFI on every disk.
func TestUEFIHost(t *testing.T) {
	if testing.Short() {
		t.Skip("lab end-to-end test: needs root, QEMU, OVMF, ipmi_sim; run without -short")
	}
	for _, tool := range []string{"mdir", "sfdisk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: install mtools and fdisk (scripts/apt-packages.txt)", tool)
		}
	}
	root, err := labtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	stack := uefiStack(t, filepath.Join(root, "stacks", "lab"))
	start := time.Now()
	l := labtest.Start(t, labtest.Options{Stack: stack, Servers: []string{uefiHost}, Prefix: "uefi"})
	techDropRoles(t, l.Inventory)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	f := &faultRig{t: t, l: l, host: l.Host(uefiHost)}
	f.boot = f.bootClient()

	out := l.MustStack(ctx, "up")
	installed := time.Since(start)
	var st plan.Status
	for deadline := time.Now().Add(4 * time.Minute); ; time.Sleep(time.Second) {
		if st, err = f.boot.GetHost(ctx, f.host.MAC); err == nil && st.State == plan.StateBooted {
			break
		}
		if time.Now().After(deadline) {
			console, _ := os.ReadFile(filepath.Join(l.RunDir, uefiHost, "console.log"))
			t.Fatalf("the UEFI host did not report booted from its disks (state %s, %v)\nup:\n%s\nconsole:\n%s",
				st.State, err, out, techTail(string(console), 8000))
		}
	}
	t.Logf("%s: up (lab up, PXE, install) %.1fs; booted from its disks %.1fs after the start", uefiHost, installed.Seconds(), time.Since(start).Seconds())
	console, _ := os.ReadFile(filepath.Join(l.RunDir, uefiHost, "console.log"))
	for _, line := range bdsLine.FindAll(console, -1) {
		t.Logf("console: %s", line) // what OVMF booted, in order
	}
	for _, want := range []string{"UEFI PXEv4", "racksmith.mode=install", "racksmith.mode=boot", "racksmith-os: booted from disk"} {
		if !strings.Contains(string(console), want) {
			t.Errorf("console lacks %q", want)
		}
	}
	time.Sleep(3 * time.Second) // the lab OS powers off once it has reported
	f.verify(ctx, t)
	for i, d := range l.Disks(uefiHost) {
		if out, err := exec.Command("sfdisk", "--part-type", d, "1").Output(); err != nil || strings.TrimSpace(string(out)) != "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" {
			t.Errorf("disk %d: partition 1 is not an EFI system partition: %q %v", i, out, err)
		}
		cmd := exec.Command("mdir", "-b", "-i", d+"@@1048576", "::/EFI/BOOT") // partition 1 starts at sector 2048
		cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "BOOTX64.EFI") {
			t.Errorf("disk %d: no \\EFI\\BOOT\\BOOTX64.EFI: %v\n%s", i, err, out)
		}
	}
}

var bdsLine = regexp.MustCompile(`BdsDxe: [^\r\n]*`)

var fra1Node1 = regexp.MustCompile(`(?m)^server "` + uefiHost + `" \{\n`)

// uefiStack is a copy of the stack in src with firmware = "uefi" on
// uefiHost.
func uefiStack(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(src, "*.hcl"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b = fra1Node1.ReplaceAllLiteral(b, []byte(`server "`+uefiHost+`" {`+"\n  firmware = \"uefi\"\n"))
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "servers.hcl")); !strings.Contains(string(b), `firmware = "uefi"`) {
		t.Fatalf("no server %q in %s", uefiHost, src)
	}
	return dir
}
