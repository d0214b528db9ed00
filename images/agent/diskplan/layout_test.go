package diskplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testPlan(n, level int) *plan.Plan {
	p := &plan.Plan{Hostname: "db1", Bootloader: "extlinux",
		Encryption: plan.Encryption{Cipher: "aes-xts-plain64", KeySize: 512, PBKDF: "pbkdf2", PBKDFIter: 1000, KeySource: "bootserver"}}
	var names []string
	for i := 0; i < n; i++ {
		name := string(rune('a' + i))
		p.Disks = append(p.Disks, plan.Disk{Name: name, Serial: "RS-" + name, SizeBytes: 1 << 29})
		names = append(names, name)
	}
	p.Arrays = []plan.Array{
		{Name: "boot", Level: 1, Disks: names, Metadata: "1.0", FS: "ext4", Mount: "/boot"},
		{Name: "root", Level: level, Disks: names, Metadata: "1.2", Encrypt: true, FS: "ext4", Mount: "/"},
	}
	return p
}

func facts(n int) []plan.DiskFact {
	var f []plan.DiskFact
	for i := 0; i < n; i++ {
		name := string(rune('a' + i))
		f = append(f, plan.DiskFact{Path: "/dev/vd" + string(rune('d'-i)), Serial: "RS-" + name, SizeBytes: 1 << 30})
	}
	return f
}

func TestBuildGolden(t *testing.T) {
	for _, tc := range []struct {
		name         string
		disks, level int
		bootloader   string
	}{{"raid1", 2, 1, ""}, {"raid10", 4, 10, ""}, {"raid5", 3, 5, ""}, {"raid6", 4, 6, ""}, {"raid1-uefi", 2, 1, "systemd-boot"}} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPlan(tc.disks, tc.level)
			if tc.bootloader != "" {
				p.Bootloader = tc.bootloader
			}
			devs, err := Match(p.Disks, facts(tc.disks))
			if err != nil {
				t.Fatal(err)
			}
			l, err := Build(p, devs, Options{GPTMBR: "/usr/lib/syslinux/gptmbr.bin"})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(l, "", "  ")
			golden := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(append(got, '\n'), want) {
				t.Errorf("layout differs from %s (go test -update to accept):\n%s", golden, got)
			}
			for _, s := range l.Steps {
				if s.Stdin == StdinKey && !strings.Contains(strings.Join(s.Argv, " "), "--key-file -") {
					t.Errorf("step %v takes the key but not from stdin", s.Argv)
				}
			}
		})
	}
}

// TestBuildInitialSync checks which arrays skip the initial sync: mirrors on
// freshly wiped members may, parity arrays (raid5, raid6) must not, and they
// load raid456 (not loaded by /init) before the first mdadm --create.
func TestBuildInitialSync(t *testing.T) {
	for _, tc := range []struct {
		disks, level int
		rootClean    bool
		modprobe     bool
	}{{2, 1, true, false}, {4, 10, true, false}, {3, 5, false, true}, {4, 6, false, true}} {
		p := testPlan(tc.disks, tc.level)
		devs, err := Match(p.Disks, facts(tc.disks))
		if err != nil {
			t.Fatal(err)
		}
		l, err := Build(p, devs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		clean := map[string]bool{} // array name -> --assume-clean
		modprobe, created := -1, -1
		for i, s := range l.Steps {
			switch {
			case s.Argv[0] == "modprobe":
				modprobe = i
				if strings.Join(s.Argv, " ") != "modprobe raid456" || s.Stage != plan.StageRAID {
					t.Errorf("raid%d: step %d %s %v", tc.level, i, s.Stage, s.Argv)
				}
			case s.Argv[0] == "mdadm" && s.Argv[1] == "--create":
				if created < 0 {
					created = i
				}
				args := strings.Join(s.Argv, " ")
				name := args[strings.Index(args, "--name=")+len("--name="):]
				clean[name[:strings.IndexByte(name, ' ')]] = strings.Contains(args, " --assume-clean ")
			}
		}
		if !clean["boot"] || clean["root"] != tc.rootClean {
			t.Errorf("raid%d: --assume-clean on boot %v, root %v; want boot true, root %v", tc.level, clean["boot"], clean["root"], tc.rootClean)
		}
		if tc.modprobe != (modprobe >= 0) || modprobe > created {
			t.Errorf("raid%d: modprobe raid456 at step %d, first mdadm --create at %d", tc.level, modprobe, created)
		}
	}
}

func TestMatchErrors(t *testing.T) {
	p := testPlan(2, 1)
	for name, tc := range map[string]struct {
		disks []plan.Disk
		facts []plan.DiskFact
		want  string
	}{
		"serial":    {p.Disks, facts(1), `disk "b": no disk with serial "RS-b"`},
		"small":     {[]plan.Disk{{Name: "a", Serial: "RS-a", SizeBytes: 2 << 30}}, facts(1), "has 1073741824 bytes, plan needs 2147483648"},
		"path":      {[]plan.Disk{{Name: "a", Path: "/dev/sda"}}, facts(1), "no disk at /dev/sda"},
		"twice":     {[]plan.Disk{{Name: "a", Path: "/dev/vdd"}, {Name: "b", Serial: "RS-a"}}, facts(1), `disks "a" and "b" both match /dev/vdd`},
		"anonymous": {[]plan.Disk{{Name: "a"}}, facts(1), "neither serial nor path"},
	} {
		_, err := Match(tc.disks, tc.facts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
	if _, err := Match(p.Disks, facts(1)); !errors.Is(err, ErrDiskMismatch) {
		t.Errorf("missing disk is not ErrDiskMismatch: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	devs := map[string]string{"a": "/dev/vda", "b": "/dev/vdb"}
	for want, mutate := range map[string]func(p *plan.Plan){
		"raid10 needs at least 2 disks, has 1": func(p *plan.Plan) { p.Arrays[1].Level, p.Arrays[1].Disks = 10, []string{"a"} },
		"raid level 3":                         func(p *plan.Plan) { p.Arrays[1].Level = 3 },
		"must be raid1, metadata 1.0":          func(p *plan.Plan) { p.Arrays[0].Metadata = "1.2" },
		`uses disk "z"`:                        func(p *plan.Plan) { p.Arrays[1].Disks = []string{"a", "z"} },
		`array "root" must be last`:            func(p *plan.Plan) { p.Arrays[0], p.Arrays[1] = p.Arrays[1], p.Arrays[0] },
		`filesystem "zfs"`:                     func(p *plan.Plan) { p.Arrays[1].FS = "zfs" },
		`pbkdf "md5"`:                          func(p *plan.Plan) { p.Encryption.PBKDF = "md5" },
	} {
		p := testPlan(2, 1)
		mutate(p)
		_, err := Build(p, devs, Options{})
		if !errors.Is(err, ErrBadPlan) || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestBuildSingleDisk(t *testing.T) {
	p := testPlan(1, 1)
	p.Arrays[0].Level = 0 // what the provider plans for a one-disk host
	l, err := Build(p, map[string]string{"a": "/dev/sda"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var creates []string
	for _, s := range l.Steps {
		if s.Argv[0] == "mdadm" {
			creates = append(creates, strings.Join(s.Argv, " "))
		}
	}
	if len(creates) != 2 || !strings.Contains(creates[0], "--force --level=1 --raid-devices=1 --metadata=1.0") {
		t.Fatalf("one-disk arrays: %q", creates)
	}
}

// TestBuildUEFI checks the disks of a UEFI plan: partition 1 of every disk
// is an EFI system partition formatted FAT32 (listed in ESPs, disk name
// order), and nothing of the BIOS path is left (no gptmbr.bin, no legacy
// bootable attribute, no BIOS boot partition).
func TestBuildUEFI(t *testing.T) {
	p := testPlan(3, 5)
	p.Bootloader = "systemd-boot"
	devs, err := Match(p.Disks, facts(3))
	if err != nil {
		t.Fatal(err)
	}
	l, err := Build(p, devs, Options{GPTMBR: "/usr/lib/syslinux/gptmbr.bin"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/dev/vdd1", "/dev/vdc1", "/dev/vdb1"}; strings.Join(l.ESPs, " ") != strings.Join(want, " ") {
		t.Fatalf("ESPs %q, want %q", l.ESPs, want)
	}
	formatted := map[string]bool{}
	for _, s := range l.Steps {
		args := strings.Join(s.Argv, " ")
		switch {
		case s.Argv[0] == "sgdisk" && !strings.Contains(args, "-n 1:2048:+128M -t 1:EF00 -c 1:esp"):
			t.Errorf("no EFI system partition first: %s", args)
		case s.Argv[0] == "sgdisk" && (strings.Contains(args, "EF02") || strings.Contains(args, ":set:2")):
			t.Errorf("BIOS boot partition or legacy bootable attribute on a UEFI disk: %s", args)
		case s.Argv[0] == "dd" || strings.Contains(args, "^64bit"):
			t.Errorf("BIOS-only step in a UEFI layout: %s", args)
		case s.Argv[0] == "mkfs.fat":
			if s.Stage != plan.StageFilesystem || !strings.HasPrefix(args, "mkfs.fat -F 32 ") {
				t.Errorf("ESP format step %s %s", s.Stage, args)
			}
			formatted[s.Argv[len(s.Argv)-1]] = true
		}
	}
	for _, esp := range l.ESPs {
		if !formatted[esp] {
			t.Errorf("%s is not formatted FAT32", esp)
		}
	}
	if !UEFI("systemd-boot") || !UEFI("grub-efi") || UEFI("extlinux") || UEFI("") {
		t.Errorf("UEFI() classification")
	}
}

func TestPartitionPath(t *testing.T) {
	if PartitionPath("/dev/vda", 2) != "/dev/vda2" || PartitionPath("/dev/nvme0n1", 3) != "/dev/nvme0n1p3" {
		t.Fatal("partition naming")
	}
}
