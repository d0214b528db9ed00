package vmtest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// ovmfImage is Debian's OVMF (package ovmf) as one image for -bios.
const ovmfImage = "/usr/share/ovmf/OVMF.fd"

// espType is the GPT partition type GUID of an EFI system partition.
const espType = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"

// TestUEFIInstallBoot installs a two-disk UEFI VM (OVMF) as a server with
// firmware = "uefi" is planned: an EFI system partition with systemd-boot on
// each disk, RAID1 /boot and RAID1 + LUKS2 root. From outside it checks both
// ESPs (FAT, with the same loader, entry, kernel and initramfs carrying the
// boot config), the arrays, the LUKS2 header and key and the role files;
// then it boots the VM from its disks with the firmware's network boot off,
// and the host must unlock its root at the boot server and report booted
// from its own init, and again with the first disk removed (the second
// disk's ESP boots it on the degraded arrays). A wipe then leaves no array,
// LUKS header, partition table or FAT signature behind.
func TestUEFIInstallBoot(t *testing.T) {
	requireUEFITools(t)
	l := newLab(t)
	v := l.newVM("uefi1", "52:54:00:1a:00:40", 2, 512)
	v.uefi = true
	p, key, res := install(t, l, v, 1)
	checkInstalled(t, l, v, p, key, res, 1)
	checkESPs(t, l, v)

	serial, at := l.boot(v, true, 240*time.Second, func(s plan.Status) bool { return s.State == plan.StateBooted })
	if !strings.Contains(serial, "booted from disk") || l.status(v.mac).State != plan.StateBooted {
		t.Fatalf("UEFI boot from disk: state %s\nserial:\n%s", l.status(v.mac).State, tail(serial, 8000))
	}
	if strings.Contains(serial, key) {
		t.Errorf("the LUKS key appears on the console at boot")
	}
	if strings.Contains(serial, "PXE over IPv4") || strings.Contains(serial, "PXEv4") {
		t.Errorf("the firmware tried the network at the boot from disk")
	}
	t.Logf("%s: power-on (OVMF, disks only) -> booted from its encrypted RAID1 %.1fs", v.name, at.Seconds())

	// the first disk gone: the second disk's ESP boots the host alone, on
	// the degraded arrays
	before := lastBooted(l.status(v.mac))
	alone := *v
	alone.disks, alone.serial = v.disks[1:], v.serial[1:]
	serial, at = l.boot(&alone, true, 240*time.Second, func(s plan.Status) bool { return lastBooted(s).After(before) })
	if !lastBooted(l.status(v.mac)).After(before) || !strings.Contains(serial, "booted from disk") {
		t.Fatalf("boot from the second disk alone: state %s\nserial:\n%s", l.status(v.mac).State, tail(serial, 8000))
	}
	t.Logf("%s: power-on with the second disk only -> booted (degraded RAID1) %.1fs", v.name, at.Seconds())

	esps := make([]part, len(v.disks))
	for i, d := range v.disks {
		esps[i] = partitions(t, d)[0]
	}
	wipeAndCheck(t, l, v)
	// the signature goes; the data stays, as on /boot (the unlock token in
	// it is dead: the boot server forgets a wiped host)
	for i, p := range esps {
		if out, err := runCmd("blkid", "-p", loop(t, v.disks[i], p)); err == nil {
			t.Errorf("disk %d: a filesystem signature is left on the ESP after the wipe: %s", i, out)
		}
	}
}

// lastBooted is the time of the host's last "booted" report.
func lastBooted(s plan.Status) time.Time {
	var last time.Time
	for _, e := range s.Events {
		if e.Stage == plan.StageBooted && e.Time.After(last) {
			last = e.Time
		}
	}
	return last
}

func requireUEFITools(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(ovmfImage); err != nil {
		t.Fatalf("%s is missing: install the Debian package ovmf (scripts/apt-packages.txt, `make setup`)", ovmfImage)
	}
	for _, tool := range []string{"mdir", "mtype", "mcopy"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: install the Debian package mtools (scripts/apt-packages.txt, `make setup`)", tool)
		}
	}
}

// checkESPs reads every disk's first partition with mtools: an EFI system
// partition holding \EFI\BOOT\BOOTX64.EFI (a PE image), loader.conf, the
// racksmith entry with the boot-from-disk command line, the installer
// kernel, and the installer initramfs with boot.json appended (hostname,
// unlock URL, the arrays); every disk holds the same bytes.
func checkESPs(t *testing.T, l *lab, v *vm) {
	t.Helper()
	kernel, err := os.ReadFile(filepath.Join(l.build, "vmlinuz"))
	if err != nil {
		t.Fatal(err)
	}
	initrd, err := os.ReadFile(filepath.Join(l.build, "initrd.img"))
	if err != nil {
		t.Fatal(err)
	}
	var first map[string][]byte
	for i, d := range v.disks {
		if out, err := runCmd("sfdisk", "--part-type", d, "1"); err != nil || strings.TrimSpace(out) != espType {
			t.Errorf("disk %d: partition 1 type %q (%v), want the ESP type %s", i, strings.TrimSpace(out), err, espType)
		}
		img := fmt.Sprintf("%s@@%d", d, partitions(t, d)[0].Start)
		if out, err := mtools("mdir", "-b", "-i", img, "::/EFI/BOOT"); err != nil || !strings.Contains(out, "BOOTX64.EFI") {
			t.Fatalf("disk %d: mdir ::/EFI/BOOT: %v\n%s", i, err, out)
		}
		files := map[string][]byte{}
		for _, f := range []string{"EFI/BOOT/BOOTX64.EFI", "loader/loader.conf", "loader/entries/racksmith.conf", "vmlinuz", "initrd.img"} {
			files[f] = mcopy(t, img, f)
		}
		conf, err := mtools("mtype", "-i", img, "::/loader/entries/racksmith.conf")
		if err != nil {
			t.Fatalf("disk %d: mtype: %v: %s", i, err, conf)
		}
		if !bytes.HasPrefix(files["EFI/BOOT/BOOTX64.EFI"], []byte("MZ")) {
			t.Errorf("disk %d: BOOTX64.EFI is not a PE image", i)
		}
		for _, want := range []string{"linux /vmlinuz", "initrd /initrd.img", "options racksmith.mode=boot racksmith.mac=" + v.mac + " console=tty0 console=ttyS0"} {
			if !strings.Contains(conf, want) {
				t.Errorf("disk %d: loader entry lacks %q:\n%s", i, want, conf)
			}
		}
		if !strings.Contains(string(files["loader/loader.conf"]), "default racksmith.conf") {
			t.Errorf("disk %d: loader.conf:\n%s", i, files["loader/loader.conf"])
		}
		if !bytes.Equal(files["vmlinuz"], kernel) {
			t.Errorf("disk %d: vmlinuz is not the installer kernel", i)
		}
		ir := files["initrd.img"]
		if !bytes.HasPrefix(ir, initrd) {
			t.Fatalf("disk %d: initrd.img does not begin with the installer initramfs", i)
		}
		js := bootJSON(t, ir[len(initrd):])
		for _, want := range []string{`"hostname": "` + v.name + `"`, `"unlock_url": "` + baseURL + `/api/v1/agent/unlock"`, `"mount": "/"`, `"encrypt": true`} {
			if !strings.Contains(js, want) {
				t.Errorf("disk %d: boot.json lacks %s", i, want)
			}
		}
		if first == nil {
			first = files
			continue
		}
		for f, b := range files {
			if !bytes.Equal(b, first[f]) {
				t.Errorf("disk %d: %s differs from disk 0's", i, f)
			}
		}
	}
}

// mtools runs an mtools command on a partition image (file@@offset).
func mtools(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mcopy reads one file of a FAT partition image.
func mcopy(t *testing.T, img, path string) []byte {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	if out, err := mtools("mcopy", "-n", "-i", img, "::/"+path, dst); err != nil {
		t.Fatalf("mcopy %s: %v: %s", path, err, out)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bootJSON is etc/racksmith/boot.json from the gzip newc archive appended
// to the installer initramfs.
func bootJSON(t *testing.T, archive []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatalf("appended initramfs: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte("etc/racksmith/boot.json\x00"))
	if i < 0 {
		t.Fatal("appended initramfs has no etc/racksmith/boot.json")
	}
	rest := raw[i:]
	j := bytes.IndexByte(rest, '{')
	k := bytes.Index(rest, []byte("\n}"))
	if j < 0 || k < j {
		t.Fatal("boot.json is not a JSON object")
	}
	return string(rest[j : k+2])
}
