package inspect

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Partition is a partition of a disk image, in bytes.
type Partition struct{ Start, Size int64 }

// Member is one md member as mdadm --examine describes it.
type Member struct {
	Disk       string `json:"disk"`
	Partition  int    `json:"partition"` // 1-based
	Version    string `json:"metadata"`  // superblock version: 1.0, 1.2
	ArrayUUID  string `json:"array_uuid"`
	Name       string `json:"name"`
	Level      string `json:"level"` // raid1, raid10
	State      string `json:"state"` // clean, active, ...
	DeviceRole string `json:"role"`

	DataOffset int64  `json:"-"` // bytes from the partition start
	ArrayBytes int64  `json:"-"`
	ChunkBytes int64  `json:"-"`
	Layout     string `json:"-"`
	partStart  int64
}

// Array is an md array assembled (on paper) from its members.
type Array struct {
	UUID    string   `json:"uuid"`
	Name    string   `json:"name"`
	Level   string   `json:"level"`
	Version string   `json:"metadata"`
	State   string   `json:"state"` // of the first member; every member's is checked
	LUKS    bool     `json:"luks"`
	Members []Member `json:"members"`
}

// mdMagicLine is the md superblock magic line of `mdadm --examine`.
var mdMagicLine = regexp.MustCompile(`(?m)^\s*Magic : a92b4efc\s*$`)

var kvLine = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$`)

// ParseExamine reads the text of `mdadm --examine` of one member.
func ParseExamine(out string) (Member, error) {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m := kvLine.FindStringSubmatch(sc.Text()); m != nil {
			if _, dup := kv[m[1]]; !dup {
				kv[m[1]] = strings.TrimSpace(m[2])
			}
		}
	}
	if kv["Magic"] != "a92b4efc" {
		return Member{}, fmt.Errorf("%w: mdadm --examine: magic %q, want a92b4efc", ErrParse, kv["Magic"])
	}
	m := Member{Version: kv["Version"], ArrayUUID: kv["Array UUID"], Name: kv["Name"],
		Level: kv["Raid Level"], State: kv["State"], DeviceRole: kv["Device Role"], Layout: kv["Layout"]}
	var err error
	num := func(field string, unit int64) int64 {
		if err != nil || kv[field] == "" {
			return 0
		}
		f := strings.Fields(strings.TrimSuffix(kv[field], "K"))
		n, e := strconv.ParseInt(strings.TrimSuffix(f[0], "K"), 10, 64)
		if e != nil {
			err = fmt.Errorf("%w: mdadm --examine: %s %q", ErrParse, field, kv[field])
		}
		return n * unit
	}
	m.DataOffset = num("Data Offset", 512)
	m.ArrayBytes = num("Array Size", 1024)
	m.ChunkBytes = num("Chunk Size", 1024)
	if err != nil {
		return Member{}, err
	}
	if m.ArrayUUID == "" || m.Level == "" || m.ArrayBytes == 0 {
		return Member{}, fmt.Errorf("%w: mdadm --examine: no Array UUID, Raid Level or Array Size", ErrParse)
	}
	return m, nil
}

// partitions reads a disk image's partition table with sfdisk (none: nil).
func partitions(ctx context.Context, disk string) ([]Partition, error) {
	out, err := exec.CommandContext(ctx, "sfdisk", "--json", disk).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			return nil, nil // no partition table
		}
		return nil, fmt.Errorf("sfdisk --json %s: %w", disk, err)
	}
	var pt struct {
		PartitionTable struct {
			SectorSize int64 `json:"sectorsize"`
			Partitions []struct{ Start, Size int64 }
		} `json:"partitiontable"`
	}
	if err := json.Unmarshal(out, &pt); err != nil {
		return nil, fmt.Errorf("%w: sfdisk --json %s: %v", ErrParse, disk, err)
	}
	ss := pt.PartitionTable.SectorSize
	if ss == 0 {
		ss = 512
	}
	var ps []Partition
	for _, p := range pt.PartitionTable.Partitions {
		ps = append(ps, Partition{p.Start * ss, p.Size * ss})
	}
	return ps, nil
}

// examineDisks runs mdadm --examine on every partition of every disk, on a
// read-only loop device, and groups the members into arrays.
func examineDisks(ctx context.Context, disks []string) ([]Array, error) {
	byUUID := map[string]*Array{}
	var order []string
	for _, d := range disks {
		ps, err := partitions(ctx, d)
		if err != nil {
			return nil, err
		}
		for i, p := range ps {
			out, err := withLoop(ctx, d, p, func(dev string) (string, error) {
				b, err := exec.CommandContext(ctx, "mdadm", "--examine", dev).CombinedOutput()
				return string(b), err
			})
			if err != nil || !mdMagicLine.MatchString(out) {
				// not an md member; mdadm also answers 0 for a boot sector
				// it reads as an MBR, such as a UEFI host's FAT ESP
				continue
			}
			m, err := ParseExamine(out)
			if err != nil {
				return nil, fmt.Errorf("%s partition %d: %w", d, i+1, err)
			}
			m.Disk, m.Partition, m.partStart = d, i+1, p.Start
			a := byUUID[m.ArrayUUID]
			if a == nil {
				a = &Array{UUID: m.ArrayUUID, Name: m.Name, Level: m.Level, Version: m.Version, State: m.State}
				byUUID[m.ArrayUUID] = a
				order = append(order, m.ArrayUUID)
			}
			if m.State != "clean" && m.State != "active" {
				a.State = m.State
			}
			a.Members = append(a.Members, m)
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%w on %s", ErrNoArrays, strings.Join(disks, ", "))
	}
	out := make([]Array, 0, len(order))
	for _, u := range order {
		a := byUUID[u]
		sort.SliceStable(a.Members, func(i, j int) bool { return a.Members[i].DeviceRole < a.Members[j].DeviceRole })
		out = append(out, *a)
	}
	return out, nil
}

// withLoop runs f on a read-only loop device over one partition of file.
func withLoop(ctx context.Context, file string, p Partition, f func(dev string) (string, error)) (string, error) {
	out, err := exec.CommandContext(ctx, "losetup", "--read-only", "--find", "--show",
		"--offset", fmt.Sprint(p.Start), "--sizelimit", fmt.Sprint(p.Size), file).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("losetup %s: %w: %s", file, err, strings.TrimSpace(string(out)))
	}
	dev := strings.TrimSpace(string(out))
	defer exec.Command("losetup", "-d", dev).Run()
	return f(dev)
}
