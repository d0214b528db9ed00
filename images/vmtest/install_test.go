package vmtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// labPlan is an install plan as the provider would send it for a lab host:
// /boot RAID1 (metadata 1.0) and an encrypted root at level, extlinux
// (systemd-boot for a UEFI VM, as for firmware = "uefi"), the lab OS image
// and two role files.
func labPlan(t *testing.T, l *lab, v *vm, level int) *plan.Plan {
	t.Helper()
	sum, err := os.ReadFile(filepath.Join(l.build, "os/busybox-root.tar.gz.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{
		Hostname: v.name, MAC: v.mac, Mode: plan.ModeInstall,
		Network:    plan.Network{Address: vmAddr},
		Encryption: plan.Encryption{Cipher: "aes-xts-plain64", KeySize: 512, PBKDF: "pbkdf2", PBKDFIter: 1000, KeySource: "bootserver"},
		Image:      plan.Image{Name: "busybox-root", URL: baseURL + "/files/os/busybox-root.tar.gz", SHA256: strings.TrimSpace(string(sum))},
		Bootloader: "extlinux", After: "poweroff",
	}
	if v.uefi {
		p.Bootloader = "systemd-boot"
	}
	var names []string
	for i, s := range v.serial {
		name := fmt.Sprintf("d%d", i)
		p.Disks = append(p.Disks, plan.Disk{Name: name, Serial: s, SizeBytes: 256 << 20})
		names = append(names, name)
	}
	p.Arrays = []plan.Array{
		{Name: "boot", Level: 1, Disks: names, Metadata: "1.0", FS: "ext4", Mount: "/boot"},
		{Name: "root", Level: level, Disks: names, Metadata: "1.2", Encrypt: true, FS: "ext4", Mount: "/"},
	}
	for path, content := range map[string]string{
		"/etc/postfix/main.cf": "myhostname = " + v.name + ".lab.example\nmaximal_queue_lifetime = 14d\n",
		"/etc/racksmith/role":  "mx\n",
	} {
		s := sha256.Sum256([]byte(content))
		p.Files = append(p.Files, plan.File{Path: path, Mode: 0o640, Content: []byte(content), SHA256: hex.EncodeToString(s[:])})
	}
	return p
}

func randomKey(t *testing.T) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func install(t *testing.T, l *lab, v *vm, level int) (*plan.Plan, string, *plan.Result) {
	t.Helper()
	p := labPlan(t, l, v, level)
	key := randomKey(t)
	return p, key, installIntent(t, l, v, plan.Intent{Mode: plan.ModeInstall, Plan: p, Key: key})
}

// installIntent registers in and boots the VM into the installer until it
// reports; the key and the recovery passphrase must not reach the console.
func installIntent(t *testing.T, l *lab, v *vm, in plan.Intent) *plan.Result {
	t.Helper()
	if _, err := l.st.PutIntent(v.mac, in, false); err != nil {
		t.Fatal(err)
	}
	serial, at := l.boot(v, false, 240*time.Second, func(s plan.Status) bool { return s.State == plan.StateInstalled })
	st := l.status(v.mac)
	if st.State != plan.StateInstalled || st.Result == nil || !st.Result.OK {
		t.Fatalf("install of %s: state %s, result %+v\nserial:\n%s", v.name, st.State, st.Result, tail(serial, 8000))
	}
	if strings.Contains(serial, in.Key) {
		t.Errorf("the LUKS key appears on the console")
	}
	if in.RecoveryKey != "" && strings.Contains(serial, in.RecoveryKey) {
		t.Errorf("the recovery passphrase appears on the console")
	}
	t.Logf("%s: power-on -> installed callback %.1fs (agent reported %.1fs)", v.name, at.Seconds(), st.Result.Seconds)
	return st.Result
}

// checkInstalled looks at the disk images from outside the VM. It returns
// the path of a copy of the LUKS2 header (the first 32 MiB of the root).
func checkInstalled(t *testing.T, l *lab, v *vm, p *plan.Plan, key string, res *plan.Result, level int) string {
	t.Helper()
	var members []member
	var chunk, arraySize int64
	for i, d := range v.disks {
		ps := partitions(t, d)
		if len(ps) != 3 {
			t.Fatalf("%s: %d partitions, want 3 (bios or esp, boot, root)", d, len(ps))
		}
		for _, c := range []struct {
			part     part
			array    string
			level    string
			metadata string
		}{{ps[1], "boot", "raid1", "1.0"}, {ps[2], "root", fmt.Sprintf("raid%d", level), "1.2"}} {
			kv, err := examine(t, d, c.part)
			if err != nil {
				t.Fatalf("disk %d %s: %v", i, c.array, err)
			}
			if kv["Array UUID"] != res.ArrayUUIDs[c.array] || kv["Raid Level"] != c.level || kv["State"] != "clean" || kv["Version"] != c.metadata {
				t.Errorf("disk %d %s member: uuid %q (reported %q) level %q state %q version %q", i, c.array,
					kv["Array UUID"], res.ArrayUUIDs[c.array], kv["Raid Level"], kv["State"], kv["Version"])
			}
			if c.array == "root" {
				f, err := os.Open(d)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				members = append(members, member{f: f, off: c.part.Start + 512*leadingInt(t, kv["Data Offset"])})
				arraySize = 1024 * leadingInt(t, kv["Array Size"])
				if level == 10 {
					chunk = 1024 * leadingInt(t, strings.TrimSuffix(kv["Chunk Size"], "K"))
				}
			}
		}
	}
	ar := &arrayReader{level: level, members: members, chunk: chunk}
	dir := t.TempDir()
	hdr := filepath.Join(dir, "luks-header.img")
	copyRange(t, ar, 0, 32<<20, hdr)
	dump, err := luksDump(t, hdr)
	if err != nil {
		t.Fatalf("luksDump: %v: %s", err, dump)
	}
	if !regexp.MustCompile(`(?m)^Version:\s+2$`).MatchString(dump) {
		t.Errorf("not LUKS2:\n%s", dump)
	}
	if !strings.Contains(dump, "cipher: aes-xts-plain64") || !strings.Contains(dump, "UUID:          \t"+res.LUKSUUID) {
		t.Errorf("luksDump lacks cipher aes-xts-plain64 or the reported UUID %s:\n%s", res.LUKSUUID, dump)
	}
	good := writeKeyFile(t, dir, "key", []byte(key))
	wrong := writeKeyFile(t, dir, "wrong", []byte(randomKey(t)))
	if out, err := runCmd("cryptsetup", "open", "--test-passphrase", "--key-file", good, hdr); err != nil {
		t.Errorf("the key does not open the LUKS header: %v: %s", err, out)
	}
	if _, err := runCmd("cryptsetup", "open", "--test-passphrase", "--key-file", wrong, hdr); err == nil {
		t.Errorf("a wrong key opens the LUKS header")
	}
	segOff, sector := segment(t, dump)
	if sector != 512 {
		t.Fatalf("sector size %d: the user-space decryption here handles 512", sector)
	}
	vk := volumeKey(t, hdr, good)
	fsImg := filepath.Join(dir, "root.ext4")
	decrypt(t, ar, segOff, arraySize-segOff, vk, fsImg)
	for _, f := range p.Files {
		got := debugfsCat(t, fsImg, f.Path)
		sum := sha256.Sum256(got)
		if hex.EncodeToString(sum[:]) != f.SHA256 || res.FileSums[f.Path] != f.SHA256 {
			t.Errorf("%s: on disk %x, reported %s, planned %s", f.Path, sum, res.FileSums[f.Path], f.SHA256)
		}
	}
	if got := string(debugfsCat(t, fsImg, "/etc/hostname")); got != v.name+"\n" {
		t.Errorf("/etc/hostname is %q", got)
	}
	return hdr
}
