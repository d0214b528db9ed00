// Package inventory is racksmith's model of a bare-metal fleet: sites, racks,
// PDUs, servers and the roles they carry, read from HCL files. It loads and
// validates a stack's inventory, analyses placement across failure domains
// and power budgets, and edits inventory files in place for registration.
//
// It imports no other racksmith package and does no I/O beyond reading and
// writing inventory files.
package inventory

import (
	"net/netip"

	"github.com/hashicorp/hcl/v2"
)

// Inventory is one stack's whole inventory: every .hcl file of its folder,
// loaded together. Slices keep file order; lookups go through the maps.
type Inventory struct {
	Dir         string
	Sites       []*Site
	Racks       []*Rack
	PDUs        []*PDU
	Credentials []*Credential
	Servers     []*Server
	Roles       []*Role
	Service     *Service

	// Files holds the source of every loaded file by name, for diagnostics
	// printed with their snippets (hcl.NewDiagnosticTextWriter). Only Bytes
	// and Nav are kept: Body is empty, the syntax tree is dropped once the
	// file is decoded.
	Files map[string]*hcl.File
}

// Site is a datacenter. Its provisioning network is where the site's boot
// server answers DHCP.
type Site struct {
	Name      string
	Region    string
	Address   string
	Network   Network
	DeclRange hcl.Range
	Attrs     AttrRanges // range of each attribute set, by name
}

// Network is a site's provisioning network.
type Network struct {
	Prefix     netip.Prefix // e.g. 10.10.0.0/24
	Gateway    netip.Addr
	BootServer netip.Addr // address of the site's boot server on this network
	BootURL    string     // base URL of the site's boot server HTTP, e.g. http://10.11.0.2:8080
	DNS        []netip.Addr
	Range      hcl.Range
	Attrs      AttrRanges // range of each attribute set, by name
}

// Rack is a rack in a site, Height units tall.
type Rack struct {
	Name      string
	Site      string
	Height    int
	DeclRange hcl.Range
	Attrs     AttrRanges // range of each attribute set, by name
}

// PDU is a power distribution unit on one feed ("A" or "B") of a site.
// CapacityW is the continuous load it may carry, in watts.
type PDU struct {
	Name      string
	Site      string
	Rack      string // rack it is mounted in; empty for row/room PDUs
	Feed      string // "A" or "B"
	CapacityW int
	Amps      int // when given as amps × volts instead of watts
	Volts     int
	Outlets   int
	DeclRange hcl.Range
	Attrs     AttrRanges // range of each attribute set, by name
}

// Credential names BMC credentials. PasswordRef is a reference such as
// "env:NAME" or "file:PATH" or "pulumi:KEY"; a literal password is an error.
type Credential struct {
	Name        string
	Username    string
	PasswordRef string
	DeclRange   hcl.Range
	Attrs       AttrRanges // range of each attribute set, by name
}

// Server is one physical machine.
type Server struct {
	Name     string
	Site     string
	Rack     string
	U        int // lowest rack unit it occupies
	Height   int // in U
	Model    string
	Serial   string
	Image    string
	Roles    []string
	Address  netip.Prefix // its address on the site's provisioning network, with prefix length
	PSUs     []PSU
	BMC      BMC
	NICs     []NIC
	Disks    []Disk
	Storage  Storage
	Comments string // free text, e.g. asset notes
	Firmware string // FirmwareBIOS (default) or FirmwareUEFI: how the host boots from its disks

	DeclRange hcl.Range
	Attrs     AttrRanges // range of each attribute set, by name
}

// Firmware kinds of a server: what boots it from its own disks (the
// installer lays extlinux for BIOS, systemd-boot on an ESP per disk for UEFI).
const (
	FirmwareBIOS = "bios"
	FirmwareUEFI = "uefi"
)

// PSU is one power supply, plugged into an outlet of a PDU.
type PSU struct {
	PDU    string
	Outlet int
	Watts  int // typical draw of the server through this PSU when it carries the whole load
	Range  hcl.Range
	Attrs  AttrRanges // range of each attribute set, by name
}

// BMC is how the server's baseboard management controller is reached.
type BMC struct {
	Address    netip.Addr
	Port       int    // 623 for IPMI, 443 for Redfish, by default
	Protocol   string // "ipmi" or "redfish"
	Credential string // name of a credential block
	Range      hcl.Range
	Attrs      AttrRanges // range of each attribute set, by name
}

// NIC is a network interface. MAC is normalized: lowercase, colon separated.
type NIC struct {
	Name    string
	MAC     string
	Purpose string // "provisioning", "public", "private", "storage"
	Range   hcl.Range
	Attrs   AttrRanges // range of each attribute set, by name
}

// Disk is a physical disk, matched by serial where known, else by path and size.
type Disk struct {
	Name      string
	Serial    string
	Path      string
	SizeBytes int64
	Range     hcl.Range
	Attrs     AttrRanges // range of each attribute set, by name
}

// Storage is the layout the installer builds: a software RAID array over
// named disks with LUKS2 on top.
type Storage struct {
	RAIDLevel  int      // 1, 5, 6 or 10
	Disks      []string // names of Server.Disks
	Encryption *Encryption
	Range      hcl.Range
	Attrs      AttrRanges // range of each attribute set, by name
}

// Encryption is the LUKS2 layer over the root array.
type Encryption struct {
	Type            string   // "luks2"
	Cipher          string   // default "aes-xts-plain64"
	PBKDF           string   // "argon2id" (default) or "pbkdf2"
	PBKDFIter       int      // with pbkdf2: forced iterations (lab)
	KeySource       string   // "bootserver" or "tang"
	Tang            []string // Tang server URLs
	TangThumbprints []string // optional: the signing key thumbprint of every Tang server, same order
	RecoveryEscrow  string   // where the recovery passphrase is escrowed; empty for none
	Range           hcl.Range
	Attrs           AttrRanges // range of each attribute set, by name
}

// Role is a service role and the redundancy it needs.
type Role struct {
	Name      string
	Replicas  int      // wanted in total
	PerSite   int      // wanted in each site it runs in (0: no per-site rule)
	Sites     []string // sites it must run in; empty means every site
	Spread    []string // failure domains that must not hold all instances: "site", "pdu", "rack"
	Quorum    int      // members needed for the role to stay writable (0: no quorum)
	DeclRange hcl.Range
	Attrs     AttrRanges // range of each attribute set, by name
}

// Service holds fleet-wide settings of the mail service the roles render.
type Service struct {
	Domains     []string          // mail domains served
	PrimarySite string            // site of the primary database cluster
	VIPs        map[string]string // site name -> floating address of its load balancers
	DeclRange   hcl.Range
	Attrs       AttrRanges // range of each attribute set, by name
}

// AttrRanges records where each attribute of a block was written, so that
// diagnostics point at the offending field rather than at the block.
type AttrRanges []AttrRange

// AttrRange is the source range of one attribute's expression.
type AttrRange struct {
	Name  string
	Range hcl.Range
}

// Of returns the range of the named attribute, or fallback when it was not
// set (for instance because a default applied).
func (a AttrRanges) Of(name string, fallback hcl.Range) hcl.Range {
	for _, r := range a {
		if r.Name == name {
			return r.Range
		}
	}
	return fallback
}
