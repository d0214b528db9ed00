// Package sysinfo inspects the machine the agent runs on through sysfs: DMI
// identity, network interfaces and block devices, as plan.Facts. The sysfs
// root is a field so the reader can be pointed at a copy of a real tree.
package sysinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Reader reads facts below Root (normally "/").
type Reader struct {
	Root string
	Now  func() time.Time
}

// Facts gathers what the machine reports about itself. mac is the
// provisioning NIC's MAC, copied into the facts.
func (r Reader) Facts(mac string) (plan.Facts, error) {
	f := plan.Facts{
		MAC:     mac,
		Serial:  r.read("sys/class/dmi/id/product_serial"),
		Vendor:  r.read("sys/class/dmi/id/sys_vendor"),
		Product: r.read("sys/class/dmi/id/product_name"),
	}
	if r.Now != nil {
		f.Time = r.Now().UTC()
	} else {
		f.Time = time.Now().UTC()
	}
	nics, err := r.NICs()
	if err != nil {
		return f, err
	}
	disks, err := r.Disks()
	if err != nil {
		return f, err
	}
	f.NICs, f.Disks = nics, disks
	return f, nil
}

// NICs lists the physical network interfaces (those with a device link).
func (r Reader) NICs() ([]plan.NICFact, error) {
	dir := r.path("sys/class/net")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read nics: %w", err)
	}
	var out []plan.NICFact
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "device")); err != nil {
			continue // lo, bridges, tunnels
		}
		out = append(out, plan.NICFact{Name: e.Name(), MAC: strings.ToLower(r.read("sys/class/net/" + e.Name() + "/address"))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Disks lists whole disks (no partitions, loops, ramdisks, md or dm devices).
func (r Reader) Disks() ([]plan.DiskFact, error) {
	dir := r.path("sys/block")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read disks: %w", err)
	}
	var out []plan.DiskFact
	for _, e := range ents {
		n := e.Name()
		if skipDisk(n) {
			continue
		}
		sectors, err := strconv.ParseInt(r.read("sys/block/"+n+"/size"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("disk %s: size: %w", n, err)
		}
		d := plan.DiskFact{Path: "/dev/" + n, SizeBytes: sectors * 512, Model: r.read("sys/block/" + n + "/device/model")}
		d.Serial = r.diskSerial(n)
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func skipDisk(name string) bool {
	for _, p := range []string{"loop", "ram", "md", "dm-", "sr", "zram", "nbd"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func (r Reader) path(rel string) string {
	root := r.Root
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, rel)
}

// read returns a sysfs attribute trimmed, or "" when absent.
func (r Reader) read(rel string) string {
	b, err := os.ReadFile(r.path(rel))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// diskSerial is a disk's serial number: virtio's serial, NVMe's
// device/serial, else the SCSI unit serial number VPD page (0x80) of a
// SATA or SAS disk (there is no udev in the installer to read it for us).
func (r Reader) diskSerial(name string) string {
	for _, s := range []string{"serial", "device/serial"} {
		if v := r.read("sys/block/" + name + "/" + s); v != "" {
			return v
		}
	}
	b, err := os.ReadFile(r.path("sys/block/" + name + "/device/vpd_pg80"))
	if err != nil || len(b) < 4 || b[1] != 0x80 {
		return ""
	}
	n := int(b[2])<<8 | int(b[3])
	if n > len(b)-4 {
		n = len(b) - 4
	}
	return strings.TrimSpace(strings.Trim(string(b[4:4+n]), "\x00"))
}
