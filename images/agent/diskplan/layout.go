package diskplan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/racksmith/racksmith/pxe/plan"
)

// StdinKey marks a step that reads the LUKS passphrase on its standard input
// (never on its command line).
const StdinKey = "key"

// BootPartMiB is the size of each disk's /boot member partition.
const BootPartMiB = 128

// ESPPartMiB is the size of each disk's EFI system partition (UEFI
// bootloaders): FAT32, holding the bootloader, the kernel and the initramfs.
const ESPPartMiB = 128

// UEFI reports whether a plan's bootloader boots through UEFI firmware: the
// disks then carry an EFI system partition each instead of a BIOS boot
// partition.
func UEFI(bootloader string) bool {
	return bootloader == "systemd-boot" || bootloader == "grub-efi"
}

// Step is one command of the layout.
type Step struct {
	Stage string   `json:"stage"`
	Argv  []string `json:"argv"`
	Stdin string   `json:"stdin,omitempty"`
}

// Array is one planned md array resolved to devices.
type Array struct {
	Name     string   `json:"name"`
	Device   string   `json:"device"`  // /dev/mdN
	Members  []string `json:"members"` // partitions
	Level    int      `json:"level"`
	Metadata string   `json:"metadata"`
	Encrypt  bool     `json:"encrypt"`
	FSDevice string   `json:"fs_device"` // the md device, or /dev/mapper/NAME
	FS       string   `json:"fs"`
	Mount    string   `json:"mount"`
}

// Layout is everything the disk stages do, in order.
type Layout struct {
	Disks  map[string]string `json:"disks"` // planned name -> device
	Arrays []Array           `json:"arrays"`
	Steps  []Step            `json:"steps"`
	// ESPs are the EFI system partitions, one per disk in disk name order
	// (UEFI bootloaders only): each gets the same boot files.
	ESPs []string `json:"esps,omitempty"`
}

// Options are the few machine paths the commands use.
type Options struct {
	GPTMBR string // syslinux gptmbr.bin, written to each disk when the bootloader is extlinux
}

// Build plans the commands for p on the matched devices (see Match).
func Build(p *plan.Plan, devs map[string]string, opt Options) (*Layout, error) {
	if len(p.Arrays) == 0 {
		return nil, fmt.Errorf("%w: no arrays", ErrBadPlan)
	}
	l := &Layout{Disks: devs}
	// partitions per disk: 1 is the BIOS boot partition (the EFI system
	// partition for UEFI), then one per array in plan order
	parts := map[string][]string{} // disk -> array names in partition order
	for _, a := range p.Arrays {
		if err := checkArray(p, a); err != nil {
			return nil, err
		}
		for _, d := range a.Disks {
			if _, ok := devs[d]; !ok {
				return nil, fmt.Errorf("%w: array %q uses disk %q which is not planned", ErrBadPlan, a.Name, d)
			}
			parts[d] = append(parts[d], a.Name)
		}
	}
	disks := make([]string, 0, len(parts))
	for d := range parts {
		disks = append(disks, d)
	}
	sort.Strings(disks)
	partOf := map[string]string{} // disk/array -> partition device
	for _, d := range disks {
		dev := devs[d]
		args := []string{"sgdisk", "-o", "-n", "1:2048:+1M", "-t", "1:EF02", "-c", "1:bios"}
		if UEFI(p.Bootloader) {
			args = []string{"sgdisk", "-o", "-n", fmt.Sprintf("1:2048:+%dM", ESPPartMiB), "-t", "1:EF00", "-c", "1:esp"}
			l.ESPs = append(l.ESPs, PartitionPath(dev, 1))
		}
		for i, name := range parts[d] {
			n := strconv.Itoa(i + 2)
			size := "0"
			if i < len(parts[d])-1 {
				if arrayByName(p, name).Mount != "/boot" {
					return nil, fmt.Errorf("%w: disk %q: array %q must be last on the disk (only /boot has a fixed size)", ErrBadPlan, d, name)
				}
				size = fmt.Sprintf("+%dM", BootPartMiB)
			}
			args = append(args, "-n", n+":0:"+size, "-t", n+":FD00", "-c", n+":"+name)
			if arrayByName(p, name).Mount == "/boot" && !UEFI(p.Bootloader) {
				args = append(args, "-A", n+":set:2") // legacy BIOS bootable: gptmbr.bin boots it
			}
			partOf[d+"/"+name] = PartitionPath(dev, i+2)
		}
		args = append(args, dev)
		l.Steps = append(l.Steps,
			Step{Stage: plan.StageDisks, Argv: []string{"wipefs", "-a", "-f", dev}}, // GPT (both copies), PMBR
			Step{Stage: plan.StageDisks, Argv: args})
		if p.Bootloader == "extlinux" {
			l.Steps = append(l.Steps, Step{Stage: plan.StageDisks, Argv: []string{"dd", "if=" + opt.GPTMBR, "of=" + dev, "bs=440", "count=1", "conv=notrunc"}})
		}
	}
	var raid, luks, mkfs []Step
	for _, esp := range l.ESPs {
		mkfs = append(mkfs, Step{Stage: plan.StageFilesystem, Argv: []string{"mkfs.fat", "-F", "32", "-n", "ESP", esp}})
	}
	if needsRAID456(p.Arrays) {
		// /init loads raid1 and raid10; raid456 is only shipped (initrd/modules.txt)
		raid = append(raid, Step{Stage: plan.StageRAID, Argv: []string{"modprobe", "raid456"}})
	}
	for i, a := range p.Arrays {
		ar := Array{Name: a.Name, Device: fmt.Sprintf("/dev/md%d", i), Level: a.Level, Metadata: a.Metadata, Encrypt: a.Encrypt, FS: a.FS, Mount: a.Mount}
		for _, d := range a.Disks {
			ar.Members = append(ar.Members, partOf[d+"/"+a.Name])
			// old md superblocks and LUKS headers at the new partition's offsets
			raid = append(raid, Step{Stage: plan.StageRAID, Argv: []string{"wipefs", "-a", "-f", partOf[d+"/"+a.Name]}})
		}
		level := strconv.Itoa(a.Level)
		args := []string{"mdadm", "--create", ar.Device, "--run"}
		if !parity(a.Level) {
			// the members were just wiped and no one reads what was never
			// written: mirrors need no initial sync
			args = append(args, "--assume-clean")
		}
		if len(a.Disks) == 1 {
			// a one-disk host still gets md (same boot path, disks can be added
			// later): a one-member raid1 needs --force
			level, ar.Level = "1", 1
			args = append(args, "--force")
		}
		args = append(args, "--level="+level, "--raid-devices="+strconv.Itoa(len(a.Disks)), "--metadata="+a.Metadata,
			"--name="+a.Name, "--homehost="+p.Hostname)
		raid = append(raid, Step{Stage: plan.StageRAID, Argv: append(args, ar.Members...)})
		ar.FSDevice = ar.Device
		if a.Encrypt {
			luks = append(luks, luksSteps(p.Encryption, ar.Device, a.Name)...)
			ar.FSDevice = "/dev/mapper/" + a.Name
		}
		mk := []string{"mke2fs", "-F", "-q", "-t", a.FS, "-L", a.Name}
		if a.Mount == "/boot" && p.Bootloader == "extlinux" {
			mk = append(mk, "-O", "^64bit") // syslinux reads no 64bit ext4
		}
		mkfs = append(mkfs, Step{Stage: plan.StageFilesystem, Argv: append(mk, ar.FSDevice)})
		l.Arrays = append(l.Arrays, ar)
	}
	l.Steps = append(append(append(l.Steps, raid...), luks...), mkfs...)
	return l, nil
}

// parity reports whether an md level keeps parity (raid5, raid6). Such an
// array is created without --assume-clean: parity that was never computed is
// wrong, and a later rebuild from it would write garbage. The initial resync
// runs in the background while the install goes on.
func parity(level int) bool { return level == 5 || level == 6 }

// needsRAID456 reports whether some array needs the raid456 personality.
func needsRAID456(arrays []plan.Array) bool {
	for _, a := range arrays {
		if parity(a.Level) {
			return true
		}
	}
	return false
}

// PBKDFArgs are the cryptsetup options deriving a keyslot's key as the
// plan says (luksFormat, and every keyslot added later).
func PBKDFArgs(e plan.Encryption) []string {
	return append([]string{"--pbkdf", e.PBKDF}, pbkdfCost(e)...)
}

func pbkdfCost(e plan.Encryption) []string {
	var args []string
	if e.PBKDF == "pbkdf2" && e.PBKDFIter > 0 {
		args = append(args, "--pbkdf-force-iterations", strconv.Itoa(e.PBKDFIter))
	}
	if e.PBKDF != "pbkdf2" && e.PBKDFMemKiB > 0 {
		args = append(args, "--pbkdf-memory", strconv.Itoa(e.PBKDFMemKiB))
	}
	return args
}

func luksSteps(e plan.Encryption, dev, name string) []Step {
	args := []string{"cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--cipher", e.Cipher,
		"--key-size", strconv.Itoa(e.KeySize), "--pbkdf", e.PBKDF, "--label", name}
	args = append(args, pbkdfCost(e)...)
	return []Step{
		{Stage: plan.StageLUKS, Argv: append(args, "--key-file", "-", dev), Stdin: StdinKey},
		{Stage: plan.StageLUKS, Argv: []string{"cryptsetup", "open", "--type", "luks2", "--key-file", "-", dev, name}, Stdin: StdinKey},
	}
}

func checkArray(p *plan.Plan, a plan.Array) error {
	min := map[int]int{0: 2, 1: 2, 5: 3, 6: 4, 10: 2}
	m, ok := min[a.Level]
	single := len(a.Disks) == 1 && (a.Level == 0 || a.Level == 1) // one-member raid1
	if a.Name == "" || strings.ContainsAny(a.Name, "/ \t") {
		return fmt.Errorf("%w: array name %q", ErrBadPlan, a.Name)
	}
	switch {
	case single && (a.Metadata == "1.0" || a.Metadata == "1.2"):
		if a.Mount == "/boot" && p.Bootloader == "extlinux" && (a.Metadata != "1.0" || a.Encrypt) {
			return fmt.Errorf("%w: array %q: /boot for extlinux must be metadata 1.0, unencrypted", ErrBadPlan, a.Name)
		}
	case !ok:
		return fmt.Errorf("%w: array %q: raid level %d is not 0, 1, 5, 6 or 10", ErrBadPlan, a.Name, a.Level)
	case len(a.Disks) < m:
		return fmt.Errorf("%w: array %q: raid%d needs at least %d disks, has %d", ErrBadPlan, a.Name, a.Level, m, len(a.Disks))
	case a.Metadata != "1.0" && a.Metadata != "1.2":
		return fmt.Errorf("%w: array %q: metadata %q is not 1.0 or 1.2", ErrBadPlan, a.Name, a.Metadata)
	case a.Mount == "/boot" && p.Bootloader == "extlinux" && (a.Level != 1 || a.Metadata != "1.0" || a.Encrypt):
		return fmt.Errorf("%w: array %q: /boot for extlinux must be raid1, metadata 1.0, unencrypted", ErrBadPlan, a.Name)
	}
	switch {
	case a.FS != "ext4" && a.FS != "ext3" && a.FS != "ext2":
		return fmt.Errorf("%w: array %q: filesystem %q is not ext2/3/4", ErrBadPlan, a.Name, a.FS)
	case a.Encrypt && p.Encryption.Cipher == "":
		return fmt.Errorf("%w: array %q is encrypted but the plan has no cipher", ErrBadPlan, a.Name)
	case a.Encrypt && p.Encryption.PBKDF != "pbkdf2" && p.Encryption.PBKDF != "argon2id" && p.Encryption.PBKDF != "argon2i":
		return fmt.Errorf("%w: pbkdf %q is not argon2id, argon2i or pbkdf2", ErrBadPlan, p.Encryption.PBKDF)
	case a.Encrypt && p.Encryption.KeySize <= 0:
		return fmt.Errorf("%w: encryption key_size %d", ErrBadPlan, p.Encryption.KeySize)
	}
	return nil
}

func arrayByName(p *plan.Plan, name string) plan.Array {
	for _, a := range p.Arrays {
		if a.Name == name {
			return a
		}
	}
	return plan.Array{}
}

// PartitionPath names partition n of a disk: /dev/vda2, /dev/nvme0n1p2.
func PartitionPath(disk string, n int) string {
	if last := disk[len(disk)-1]; last >= '0' && last <= '9' {
		return disk + "p" + strconv.Itoa(n)
	}
	return disk + strconv.Itoa(n)
}

// MountOrder returns the arrays with a mount point, parents before children.
func (l *Layout) MountOrder() []Array {
	var out []Array
	for _, a := range l.Arrays {
		if a.Mount != "" {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Mount) < len(out[j].Mount) })
	return out
}
