package provider

import "github.com/pulumi/pulumi-go-provider/infer"

// Server is the controller of racksmith:index:Server, one bare-metal machine
// installed through its BMC and its site's boot server. Its lifecycle methods
// live in server.go (create/update), server_read.go, server_delete.go and
// server_diff.go; the install and wipe flows in install.go.
type Server struct {
	deps Deps
}

// Annotate describes the resource and fixes its token.
func (s *Server) Annotate(a infer.Annotator) {
	a.SetToken("index", "Server")
	a.Describe(s, "A bare-metal server: registered at its site's boot server, PXE-booted through its BMC "+
		"into the installer that builds software RAID with LUKS2 on top, lays down the OS image and the "+
		"role files, then boots from its own disks.")
}

// ServerArgs are the inputs of a Server, taken from the inventory.
type ServerArgs struct {
	Hostname       string      `pulumi:"hostname"`
	Site           string      `pulumi:"site"`
	MAC            string      `pulumi:"mac"`
	NICs           []NICArgs   `pulumi:"nics,optional"`
	Address        string      `pulumi:"address"`
	Gateway        string      `pulumi:"gateway,optional"`
	DNS            []string    `pulumi:"dns,optional"`
	BMC            BMCArgs     `pulumi:"bmc"`
	BootServerURL  string      `pulumi:"bootServerUrl"`
	Image          ImageArgs   `pulumi:"image"`
	Storage        StorageArgs `pulumi:"storage"`
	Firmware       *string     `pulumi:"firmware,optional"`
	Files          []FileArgs  `pulumi:"files,optional"`
	AfterInstall   *string     `pulumi:"afterInstall,optional"`
	InstallTimeout *string     `pulumi:"installTimeout,optional"`
	RebootGroups   []string    `pulumi:"rebootGroups,optional"`
}

// Annotate documents the inputs.
func (a *ServerArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Hostname, "Host name written into the installed system.")
	an.Describe(&a.Site, "Site (datacenter) of the server; its boot server installs it.")
	an.Describe(&a.MAC, "MAC address of the provisioning NIC, lowercase colon form: the key at the boot server.")
	an.Describe(&a.NICs, "Every NIC of the server.")
	an.Describe(&a.Address, "Address on the site's provisioning network with prefix length, e.g. 10.11.0.21/24.")
	an.Describe(&a.BMC, "How the BMC is reached; the password is a secret.")
	an.Describe(&a.BootServerURL, "Base URL of the site's boot server, e.g. http://10.11.0.2:8080.")
	an.Describe(&a.Image, "OS image laid on the root filesystem.")
	an.Describe(&a.Storage, "RAID + LUKS2 layout the installer builds.")
	an.Describe(&a.Firmware, "How the host boots from its disks: bios (default; extlinux on the RAID1 /boot) "+
		"or uefi (systemd-boot on an EFI system partition of every disk). A change reinstalls the server.")
	an.SetDefault(&a.Firmware, "bios")
	an.Describe(&a.Files, "Role and identity files written into the installed root.")
	an.Describe(&a.AfterInstall, "What the installer does when done: reboot (default) or poweroff.")
	an.SetDefault(&a.AfterInstall, "reboot")
	an.Describe(&a.InstallTimeout, "How long to wait for the installer's result, a Go duration (default 20m).")
	an.SetDefault(&a.InstallTimeout, "20m")
	an.Describe(&a.RebootGroups, "Servers sharing a group (the program passes the server's roles) are rebooted one "+
		"at a time to take changed role files, so each role keeps serving during an update.")
}

// NICArgs is one network interface.
type NICArgs struct {
	Name    string `pulumi:"name"`
	MAC     string `pulumi:"mac"`
	Purpose string `pulumi:"purpose,optional"`
}

// BMCArgs is how the provider reaches the server's BMC.
type BMCArgs struct {
	Address  string `pulumi:"address"`
	Port     int    `pulumi:"port,optional"`
	Protocol string `pulumi:"protocol,optional"`
	Username string `pulumi:"username"`
	Password string `pulumi:"password" provider:"secret"`
}

// ImageArgs is the OS image.
type ImageArgs struct {
	Name   string `pulumi:"name"`
	URL    string `pulumi:"url"`
	SHA256 string `pulumi:"sha256,optional"`
}

// StorageArgs is the disk layout: one RAID array over Disks with LUKS2 on top.
type StorageArgs struct {
	RAIDLevel  int             `pulumi:"raidLevel"`
	Disks      []DiskArgs      `pulumi:"disks"`
	Encryption *EncryptionArgs `pulumi:"encryption,optional"`
}

// DiskArgs is one planned disk.
type DiskArgs struct {
	Name      string `pulumi:"name"`
	Serial    string `pulumi:"serial,optional"`
	Path      string `pulumi:"path,optional"`
	SizeBytes int    `pulumi:"sizeBytes,optional"`
}

// EncryptionArgs is the LUKS2 layer.
type EncryptionArgs struct {
	Cipher    string   `pulumi:"cipher,optional"`
	PBKDF     string   `pulumi:"pbkdf,optional"`
	PBKDFIter int      `pulumi:"pbkdfIter,optional"`
	KeySource string   `pulumi:"keySource,optional"`
	Tang      []string `pulumi:"tang,optional"`
	// TangThumbprints pairs with Tang: each server's signing key thumbprint (all or none).
	TangThumbprints []string `pulumi:"tangThumbprints,optional"`
	Recovery        bool     `pulumi:"recovery,optional"`
}

// FileArgs is one role file.
type FileArgs struct {
	Path    string `pulumi:"path"`
	Mode    int    `pulumi:"mode,optional"`
	Content string `pulumi:"content"`
}

// ServerState is what the provider records of a Server: its inputs and what
// the BMC and the boot server report.
type ServerState struct {
	ServerArgs
	PowerState        string            `pulumi:"powerState"`
	InstallState      string            `pulumi:"installState"`
	InstalledImage    string            `pulumi:"installedImage,optional"`
	ArrayUUIDs        map[string]string `pulumi:"arrayUuids,optional"`
	LUKSUUID          string            `pulumi:"luksUuid,optional"`
	InstalledAt       string            `pulumi:"installedAt,optional"`
	InstallSeconds    float64           `pulumi:"installSeconds,optional"`
	PlanHash          string            `pulumi:"planHash"`
	FilesDelivered    map[string]string `pulumi:"filesDelivered,optional"`
	FailedStage       string            `pulumi:"failedStage,optional"`
	LUKSKey           string            `pulumi:"luksKey,optional" provider:"secret"`
	RecoveryKey       string            `pulumi:"recoveryKey,optional" provider:"secret"`
	KeyHeldByBootOnly bool              `pulumi:"keyHeldByBootServerOnly,optional"`
}

// Annotate documents the outputs.
func (s *ServerState) Annotate(a infer.Annotator) {
	a.Describe(&s.PowerState, "Power state reported by the BMC: on or off.")
	a.Describe(&s.InstallState, "Install state at the boot server: pending, installing, installed, failed, wiped, quarantined.")
	a.Describe(&s.InstalledImage, "Image the installer reported laying down.")
	a.Describe(&s.ArrayUUIDs, "UUIDs of the RAID arrays by name.")
	a.Describe(&s.LUKSUUID, "UUID of the LUKS2 volume on the root array.")
	a.Describe(&s.InstalledAt, "When the installer reported success (RFC 3339).")
	a.Describe(&s.InstallSeconds, "How long the installer ran.")
	a.Describe(&s.PlanHash, "SHA-256 of the install plan the host was installed with.")
	a.Describe(&s.FilesDelivered, "Role files on the host's disks, path -> sha256, as the host read them back: "+
		"written by the install, then by each update of the files (a reboot in which the host's initramfs lays "+
		"them into its root before it starts).")
	a.Describe(&s.FailedStage, "Stage of the last failed install, empty when installed.")
	a.Describe(&s.LUKSKey, "LUKS passphrase, generated by the provider; a secret.")
	a.Describe(&s.RecoveryKey, "Recovery passphrase of the root's second keyslot (storage.encryption.recovery), "+
		"generated by the provider and escrowed only here: the boot server drops it once the installer has it; a secret.")
	a.Describe(&s.KeyHeldByBootOnly, "True when an interrupted create was resumed and only the boot server "+
		"holds the LUKS key.")
}

// WireDependencies keeps the LUKS key and the recovery passphrase secret whatever the inputs; every
// other output keeps infer's default flow (same-named outputs follow their
// inputs' secretness).
func (s *Server) WireDependencies(f infer.FieldSelector, args *ServerArgs, state *ServerState) {
	f.OutputField(&state.LUKSKey).AlwaysSecret()
	f.OutputField(&state.RecoveryKey).AlwaysSecret()
}
