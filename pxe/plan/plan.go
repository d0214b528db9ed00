// Package plan holds the types that the boot server and the installer agent
// (and the provider, through the boot server's API) exchange: what a host is
// to do when it PXE-boots, the facts it reports, its progress and its result.
//
// It is deliberately small and imports nothing of racksmith, so the installer
// agent can import it without pulling in the boot server.
package plan

import "time"

// Mode is what a host does the next time it PXE-boots.
type Mode string

const (
	ModeInstall  Mode = "install"  // boot the installer with an install plan
	ModeLocal    Mode = "local"    // boot from its own disks
	ModeDiscover Mode = "discover" // boot the installer, report facts, power off
	ModeWipe     Mode = "wipe"     // boot the installer, destroy keys and arrays
)

// Plan is the install plan for one host, fetched by the agent with its
// one-time token. It never carries the LUKS key: the agent fetches that once,
// separately.
type Plan struct {
	Hostname   string     `json:"hostname"`
	MAC        string     `json:"mac"` // normalized: lowercase, colon separated
	Mode       Mode       `json:"mode"`
	Network    Network    `json:"network"`
	Disks      []Disk     `json:"disks"`
	Arrays     []Array    `json:"arrays"`
	Encryption Encryption `json:"encryption"`
	Image      Image      `json:"image"`
	Files      []File     `json:"files,omitempty"`
	Bootloader string     `json:"bootloader"` // "extlinux" (BIOS), "systemd-boot" (UEFI), "none"; "grub-efi" is not implemented
	After      string     `json:"after"`      // "poweroff" or "reboot"
	Unlock     Unlock     `json:"unlock"`
}

// Unlock is how the installed host's initramfs gets its LUKS key at every
// boot when the key source is the boot server: POST URL with the bearer
// Token (a long-lived per-host token, distinct from the one-time install token).
type Unlock struct {
	URL   string `json:"url,omitempty"`
	Token string `json:"token,omitempty"`
}

// Network is the host's identity on its provisioning network.
type Network struct {
	Interface string   `json:"interface,omitempty"` // default: the NIC with MAC
	Address   string   `json:"address"`             // CIDR, e.g. 10.10.0.21/24
	Gateway   string   `json:"gateway,omitempty"`
	DNS       []string `json:"dns,omitempty"`
}

// Disk is a planned disk, matched to a real one by serial, else by path and size.
type Disk struct {
	Name      string `json:"name"`
	Serial    string `json:"serial,omitempty"`
	Path      string `json:"path,omitempty"`
	SizeBytes int64  `json:"size_bytes,omitempty"`
}

// Array is a software RAID array over planned disks.
type Array struct {
	Name     string   `json:"name"` // "boot" or "root"
	Level    int      `json:"level"`
	Disks    []string `json:"disks"`
	Metadata string   `json:"metadata"` // "1.0" for /boot, "1.2" otherwise
	Encrypt  bool     `json:"encrypt"`  // LUKS2 on top
	FS       string   `json:"fs"`       // "ext4"
	Mount    string   `json:"mount"`    // "/boot", "/"
}

// Encryption is how the root array is encrypted.
type Encryption struct {
	Cipher      string   `json:"cipher"` // "aes-xts-plain64"
	KeySize     int      `json:"key_size"`
	PBKDF       string   `json:"pbkdf"` // "argon2id" or "pbkdf2"
	PBKDFIter   int      `json:"pbkdf_iter,omitempty"`
	PBKDFMemKiB int      `json:"pbkdf_mem_kib,omitempty"`
	KeySource   string   `json:"key_source"`     // "bootserver" or "tang"
	Tang        []string `json:"tang,omitempty"` // Tang server URLs (key source tang)
	// TangThumbprints, when set, has one thumbprint per Tang URL (same
	// order): each advertisement's signing key must match it. Without them
	// the advertisements seen at install are trusted (clevis -y).
	TangThumbprints []string `json:"tang_thumbprints,omitempty"`
	Recovery        bool     `json:"recovery"` // add a recovery keyslot (passphrase escrowed by the provider)
}

// Image is the OS image laid on the root filesystem.
type Image struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	SHA256 string `json:"sha256"`
}

// File is a role or identity file written into the installed root.
type File struct {
	Path    string `json:"path"`
	Mode    uint32 `json:"mode"`
	Content []byte `json:"content"`
	SHA256  string `json:"sha256"`
}

// Facts is what a host reports about itself (discovery, and before installing).
type Facts struct {
	MAC     string     `json:"mac"`
	Serial  string     `json:"serial,omitempty"`
	Vendor  string     `json:"vendor,omitempty"`
	Product string     `json:"product,omitempty"`
	NICs    []NICFact  `json:"nics"`
	Disks   []DiskFact `json:"disks"`
	Time    time.Time  `json:"time"`
}

// NICFact is one network interface as the host sees it.
type NICFact struct {
	Name string `json:"name"`
	MAC  string `json:"mac"`
}

// DiskFact is one block device as the host sees it.
type DiskFact struct {
	Path      string `json:"path"`
	Serial    string `json:"serial,omitempty"`
	Model     string `json:"model,omitempty"`
	SizeBytes int64  `json:"size_bytes"`
}

// Stages of an install, in order; events and failures name one.
const (
	StageStart      = "start"
	StageInspect    = "inspect"
	StagePlan       = "plan"
	StageDisks      = "disks"
	StageRAID       = "raid"
	StageLUKS       = "luks"
	StageFilesystem = "filesystem"
	StageImage      = "image"
	StageFiles      = "files"
	StageBootloader = "bootloader"
	StageDone       = "done"
	StageWipe       = "wipe"
	StageBooted     = "booted" // the installed host came up from its own disks
)

// Event is one progress report from the agent.
type Event struct {
	MAC     string    `json:"mac"`
	Stage   string    `json:"stage"`
	Percent int       `json:"percent"`
	Message string    `json:"message,omitempty"`
	Time    time.Time `json:"time"`
}

// Result is the agent's final report.
type Result struct {
	MAC        string            `json:"mac"`
	Mode       Mode              `json:"mode"`
	OK         bool              `json:"ok"`
	Stage      string            `json:"stage"`            // stage reached, or the one that failed
	Error      string            `json:"error,omitempty"`  // what failed
	Output     string            `json:"output,omitempty"` // command output of the failure
	ArrayUUIDs map[string]string `json:"array_uuids,omitempty"`
	LUKSUUID   string            `json:"luks_uuid,omitempty"`
	FileSums   map[string]string `json:"file_sums,omitempty"` // path -> sha256 hex
	Image      string            `json:"image,omitempty"`
	Seconds    float64           `json:"seconds"`
	Time       time.Time         `json:"time"`
}
