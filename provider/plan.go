package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Defaults of the storage plan and the install.
const (
	defaultCipher         = "aes-xts-plain64"
	defaultKeySize        = 512
	defaultPBKDF          = "argon2id"
	defaultKeySource      = "bootserver"
	defaultAfterInstall   = "reboot"
	defaultInstallTimeout = 20 * time.Minute
	defaultFileMode       = 0o644
)

// BuildPlan turns a Server's inputs into the install plan the boot server
// hands the installer. It is pure: same inputs, same plan.
func BuildPlan(in ServerArgs) (plan.Plan, error) {
	if err := validateArgs(in); err != nil {
		return plan.Plan{}, err
	}
	after := defaultAfterInstall
	if in.AfterInstall != nil && *in.AfterInstall != "" {
		after = *in.AfterInstall
	}
	pl := plan.Plan{
		Hostname: in.Hostname,
		MAC:      strings.ToLower(in.MAC),
		Mode:     plan.ModeInstall,
		Network: plan.Network{
			Address: in.Address,
			Gateway: in.Gateway,
			DNS:     append([]string(nil), in.DNS...),
		},
		Image:      plan.Image{Name: in.Image.Name, URL: in.Image.URL, SHA256: in.Image.SHA256},
		Bootloader: bootloader(in),
		After:      after,
	}
	names := make([]string, 0, len(in.Storage.Disks))
	for _, d := range in.Storage.Disks {
		pl.Disks = append(pl.Disks, plan.Disk{Name: d.Name, Serial: d.Serial, Path: d.Path, SizeBytes: int64(d.SizeBytes)})
		names = append(names, d.Name)
	}
	bootLevel := 1
	if len(names) < 2 {
		bootLevel = 0
	}
	encrypt := in.Storage.Encryption != nil
	pl.Arrays = []plan.Array{
		{Name: "boot", Level: bootLevel, Disks: names, Metadata: "1.0", FS: "ext4", Mount: "/boot"},
		{Name: "root", Level: in.Storage.RAIDLevel, Disks: names, Metadata: "1.2", Encrypt: encrypt, FS: "ext4", Mount: "/"},
	}
	if e := in.Storage.Encryption; e != nil {
		pl.Encryption = plan.Encryption{
			Cipher:          orDefault(e.Cipher, defaultCipher),
			KeySize:         defaultKeySize,
			PBKDF:           orDefault(e.PBKDF, defaultPBKDF),
			PBKDFIter:       e.PBKDFIter,
			KeySource:       orDefault(e.KeySource, defaultKeySource),
			Tang:            append([]string(nil), e.Tang...),
			TangThumbprints: append([]string(nil), e.TangThumbprints...),
			Recovery:        e.Recovery,
		}
	}
	pl.Files = planFiles(in.Files)
	return pl, nil
}

func planFiles(files []FileArgs) []plan.File {
	out := make([]plan.File, 0, len(files))
	for _, f := range files {
		mode := uint32(defaultFileMode)
		if f.Mode != 0 {
			mode = uint32(f.Mode)
		}
		sum := sha256.Sum256([]byte(f.Content))
		out = append(out, plan.File{Path: f.Path, Mode: mode, Content: []byte(f.Content), SHA256: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// fileSums maps each planned file's path to its sha256.
func fileSums(files []FileArgs) map[string]string {
	m := map[string]string{}
	for _, f := range planFiles(files) {
		m[f.Path] = f.SHA256
	}
	return m
}

// PlanHash is the SHA-256 of the plan's JSON form: it names the plan a host
// was installed with.
func PlanHash(pl plan.Plan) string {
	b, err := json.Marshal(pl)
	if err != nil { // plan.Plan is plain data: cannot fail
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// installTimeout is the input's timeout or the default.
func installTimeout(in ServerArgs) (time.Duration, error) {
	if in.InstallTimeout == nil || *in.InstallTimeout == "" {
		return defaultInstallTimeout, nil
	}
	d, err := time.ParseDuration(*in.InstallTimeout)
	if err != nil {
		return 0, fmt.Errorf("installTimeout: %q is not a duration such as 20m: %w", *in.InstallTimeout, err)
	}
	if d <= 0 {
		return 0, fmt.Errorf("installTimeout: %q must be positive", *in.InstallTimeout)
	}
	return d, nil
}

// validateArgs checks what infer's type check cannot; each error names the input.
func validateArgs(in ServerArgs) error {
	if in.Hostname == "" {
		return fmt.Errorf("hostname: must not be empty")
	}
	if err := checkMAC(in.MAC); err != nil {
		return fmt.Errorf("mac: %w", err)
	}
	for i, n := range in.NICs {
		if err := checkMAC(n.MAC); err != nil {
			return fmt.Errorf("nics[%d].mac: %w", i, err)
		}
	}
	if _, err := netip.ParsePrefix(in.Address); err != nil {
		return fmt.Errorf("address: %q is not an address with prefix length (10.11.0.21/24): %w", in.Address, err)
	}
	if !strings.HasPrefix(in.BootServerURL, "http://") && !strings.HasPrefix(in.BootServerURL, "https://") {
		return fmt.Errorf("bootServerUrl: %q is not an http(s) URL", in.BootServerURL)
	}
	if in.BMC.Address == "" {
		return fmt.Errorf("bmc.address: must not be empty")
	}
	if len(in.Storage.Disks) == 0 {
		return fmt.Errorf("storage.disks: at least one disk is needed")
	}
	switch in.Storage.RAIDLevel {
	case 0, 1, 5, 6, 10:
	default:
		return fmt.Errorf("storage.raidLevel: %d is not one of 0, 1, 5, 6, 10", in.Storage.RAIDLevel)
	}
	if in.AfterInstall != nil && *in.AfterInstall != "" && *in.AfterInstall != "reboot" && *in.AfterInstall != "poweroff" {
		return fmt.Errorf("afterInstall: %q is not reboot or poweroff", *in.AfterInstall)
	}
	if _, err := installTimeout(in); err != nil {
		return err
	}
	if f := firmware(in); f != "bios" && f != "uefi" {
		return fmt.Errorf("firmware: %q is not bios or uefi", f)
	}
	return nil
}

// firmware is the input's firmware or the default, bios.
func firmware(in ServerArgs) string {
	if in.Firmware == nil || *in.Firmware == "" {
		return "bios"
	}
	return *in.Firmware
}

// bootloader is what the installer lays for the host's firmware: extlinux
// on the RAID1 /boot for BIOS, systemd-boot on every disk's EFI system
// partition for UEFI.
func bootloader(in ServerArgs) string {
	if firmware(in) == "uefi" {
		return "systemd-boot"
	}
	return "extlinux"
}

func checkMAC(mac string) error {
	if len(mac) != 17 || mac != strings.ToLower(mac) {
		return fmt.Errorf("%q is not a lowercase colon-separated MAC", mac)
	}
	for i := 0; i < 17; i++ {
		c := mac[i]
		if i%3 == 2 {
			if c != ':' {
				return fmt.Errorf("%q is not a lowercase colon-separated MAC", mac)
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("%q is not a lowercase colon-separated MAC", mac)
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
