package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-go-provider/infer"
)

// Update rewrites golden files in testdata/ (go test ./provider -update).
var Update = flag.Bool("update", false, "rewrite golden files in testdata/")

func planArgs() ServerArgs {
	after, timeout := "poweroff", "15m"
	return ServerArgs{
		Hostname: "db1", Site: "fra1", MAC: "52:54:00:aa:00:03",
		Address: "10.11.0.23/24", Gateway: "10.11.0.1", DNS: []string{"10.11.0.53"},
		BMC:           BMCArgs{Address: "10.99.0.13", Username: "admin", Password: "not-in-the-plan"},
		BootServerURL: "http://10.11.0.2:8080",
		Image:         ImageArgs{Name: "busybox-root", URL: "http://10.11.0.2:8080/files/os/busybox-root.tar.gz", SHA256: "ab12"},
		Storage: StorageArgs{RAIDLevel: 1, Disks: []DiskArgs{{Name: "a", Path: "/dev/vda", SizeBytes: 1 << 30}, {Name: "b", Path: "/dev/vdb", SizeBytes: 1 << 30}},
			Encryption: &EncryptionArgs{PBKDF: "pbkdf2", PBKDFIter: 1000}},
		Files:          []FileArgs{{Path: "/etc/postfix/main.cf", Content: "myhostname = db1\n"}, {Path: "/etc/hostname", Content: "db1\n", Mode: 0o600}},
		AfterInstall:   &after,
		InstallTimeout: &timeout,
	}
}

func TestBuildPlanGolden(t *testing.T) {
	pl, err := BuildPlan(planArgs())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(pl, "", "  ")
	got = append(got, '\n')
	path := filepath.Join("testdata", "plan.golden.json")
	if *Update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./provider -update)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("plan differs from %s (go test ./provider -run TestBuildPlanGolden -update):\n%s", path, got)
	}
	if PlanHash(pl) != PlanHash(pl) {
		t.Fatal("plan hash not stable")
	}
}

func TestBuildPlanErrorsNameInput(t *testing.T) {
	for field, mod := range map[string]func(*ServerArgs){
		"mac":               func(a *ServerArgs) { a.MAC = "52-54-00-aa-00-03" },
		"address":           func(a *ServerArgs) { a.Address = "10.11.0.23" },
		"storage.disks":     func(a *ServerArgs) { a.Storage.Disks = nil },
		"storage.raidLevel": func(a *ServerArgs) { a.Storage.RAIDLevel = 3 },
		"installTimeout":    func(a *ServerArgs) { s := "soon"; a.InstallTimeout = &s },
		"bootServerUrl":     func(a *ServerArgs) { a.BootServerURL = "10.11.0.2:8080" },
		"firmware":          func(a *ServerArgs) { s := "efi"; a.Firmware = &s },
	} {
		a := planArgs()
		mod(&a)
		_, err := BuildPlan(a)
		if err == nil || len(err.Error()) < len(field) || err.Error()[:len(field)+1] != field+":" {
			t.Errorf("%s: got %v, want an error naming %s", field, err, field)
		}
	}
}

// TestFirmwarePlansBootloader checks what firmware plans: extlinux for bios
// and when absent (the plan, and so its hash, of every host installed before
// the input existed stays the same), systemd-boot for uefi, with the same
// arrays; and how a change of firmware diffs: absent and bios are the same,
// bios to uefi replaces the server (the disks are laid out again).
func TestFirmwarePlansBootloader(t *testing.T) {
	bios, uefi := "bios", "uefi"
	absent := planArgs()
	withBIOS, withUEFI := planArgs(), planArgs()
	withBIOS.Firmware, withUEFI.Firmware = &bios, &uefi
	p0, err0 := BuildPlan(absent)
	p1, err1 := BuildPlan(withBIOS)
	p2, err2 := BuildPlan(withUEFI)
	if err0 != nil || err1 != nil || err2 != nil {
		t.Fatal(err0, err1, err2)
	}
	if p0.Bootloader != "extlinux" || PlanHash(p0) != PlanHash(p1) {
		t.Errorf("bios: bootloader %q, plan hash %s, absent %s", p1.Bootloader, PlanHash(p1), PlanHash(p0))
	}
	if p2.Bootloader != "systemd-boot" {
		t.Errorf("uefi: bootloader %q, want systemd-boot", p2.Bootloader)
	}
	a0, _ := json.Marshal(p0.Arrays)
	a2, _ := json.Marshal(p2.Arrays)
	if string(a0) != string(a2) {
		t.Errorf("uefi arrays %s differ from bios %s", a2, a0)
	}
	if d := DiffArgs(absent, withBIOS); d.HasChanges {
		t.Errorf("absent firmware and bios differ: %+v", d.DetailedDiff)
	}
	if d := DiffArgs(withBIOS, withUEFI); !d.HasChanges || d.DetailedDiff["firmware"].Kind != "update&replace" || len(d.DetailedDiff) != 1 {
		t.Errorf("bios -> uefi: %+v", d.DetailedDiff)
	}
	if d := DiffArgs(absent, withUEFI); d.DetailedDiff["firmware"].Kind != "update&replace" {
		t.Errorf("absent -> uefi: %+v", d.DetailedDiff)
	}
}

func TestDiffArgsEmptyEqualsAbsent(t *testing.T) {
	a := planArgs()
	b := planArgs()
	a.DNS, b.DNS = nil, []string{}
	a.NICs, b.NICs = nil, []NICArgs{}
	if d := DiffArgs(a, b); d.HasChanges {
		t.Fatalf("nil and empty lists differ: %+v", d.DetailedDiff)
	}
	b.BMC.Password = "rotated"
	if d := DiffArgs(a, b); !d.HasChanges || d.DetailedDiff["bmc"].Kind != "update" || len(d.DetailedDiff) != 1 {
		t.Fatalf("password rotation: %+v", d.DetailedDiff)
	}
}

func TestFileChangesListsPathsOnly(t *testing.T) {
	old := []FileArgs{
		{Path: "/etc/haproxy/haproxy.cfg", Content: "frontend a\n"},
		{Path: "/etc/y", Content: "gone\n"},
		{Path: "/etc/hostname", Content: "lb1\n", Mode: 0o644},
		{Path: "/etc/keepalived/keepalived.conf", Content: "vrrp\n", Mode: 0o600},
	}
	cur := []FileArgs{
		{Path: "/etc/x", Content: "new\n"},
		{Path: "/etc/keepalived/keepalived.conf", Content: "vrrp\n", Mode: 0o640},
		{Path: "/etc/hostname", Content: "lb1\n"}, // mode 0 is 0644: unchanged
		{Path: "/etc/haproxy/haproxy.cfg", Content: "frontend b\n"},
	}
	want := "+/etc/x -/etc/y ~/etc/haproxy/haproxy.cfg ~/etc/keepalived/keepalived.conf"
	if got := FileChanges(old, cur); got != want {
		t.Fatalf("FileChanges = %q, want %q", got, want)
	}
	reordered := []FileArgs{old[1], old[0], old[3], old[2]}
	if got := FileChanges(old, reordered); !strings.Contains(got, "only their order") {
		t.Fatalf("FileChanges of reordered files = %q", got)
	}
}

// Diff keeps its classification (files: update) and says on the resource
// which paths change, without any file content.
func TestDiffNamesChangedFilePaths(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil))) // the logger's sink outside an engine
	t.Cleanup(func() { slog.SetDefault(prev) })

	olds := ServerState{ServerArgs: planArgs(), InstallState: "installed"}
	in := planArgs()
	in.Files = []FileArgs{
		{Path: "/etc/postfix/main.cf", Content: "myhostname = db1.example\n"},
		{Path: "/etc/postfix/sasl_passwd", Content: "relay secret-relay-password\n", Mode: 0o600},
	}
	d, err := (&Server{}).Diff(context.Background(), infer.DiffRequest[ServerArgs, ServerState]{ID: in.MAC, State: olds, Inputs: in})
	if err != nil || !d.HasChanges || len(d.DetailedDiff) != 1 || d.DetailedDiff["files"].Kind != "update" {
		t.Fatalf("diff of changed files: %+v %v; want only a files update", d.DetailedDiff, err)
	}
	want := "db1: role files: +/etc/postfix/sasl_passwd -/etc/hostname ~/etc/postfix/main.cf"
	if !strings.Contains(logs.String(), want) {
		t.Fatalf("diff diagnostic %q, want %q", logs.String(), want)
	}
	for _, secret := range []string{"secret-relay-password", "myhostname"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("diff diagnostic shows file content %q: %s", secret, logs.String())
		}
	}

	logs.Reset()
	if d, err := (&Server{}).Diff(context.Background(), infer.DiffRequest[ServerArgs, ServerState]{ID: in.MAC, State: olds, Inputs: planArgs()}); err != nil || d.HasChanges || logs.Len() != 0 {
		t.Fatalf("diff of unchanged inputs: %+v %v, log %q", d.DetailedDiff, err, logs.String())
	}
}
