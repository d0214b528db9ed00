package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/racksmith/racksmith/inventory"
)

// Layout is everything the lab builds, planned from an inventory.
type Layout struct {
	Namespace   string       `json:"namespace"`
	Bridges     []Bridge     `json:"bridges"`
	Hosts       []Host       `json:"hosts"`
	BootServers []BootServer `json:"boot_servers"`
}

// Bridge is a bridge in the namespace with its own addresses.
type Bridge struct {
	Name  string         `json:"name"`
	Addrs []netip.Prefix `json:"addrs"`
}

// Host is one VM and its BMC.
type Host struct {
	Name    string `json:"name"`
	Site    string `json:"site"`
	Serial  string `json:"serial"`
	Bridge  string `json:"bridge"`
	Tap     string `json:"tap"`
	MAC     string `json:"mac"`
	Disks   []Disk `json:"disks"`
	Unknown bool   `json:"unknown,omitempty"` // racked by add-unknown, not in the inventory
	// Firmware is "uefi" for a server whose inventory says so (the VM runs
	// OVMF); empty for SeaBIOS.
	Firmware string `json:"firmware,omitempty"`

	// BMC; zero for unknown hosts, which have none.
	BMC     netip.AddrPort `json:"bmc"`
	BMCUser string         `json:"bmc_user,omitempty"`
}

// Disk is a raw sparse disk image of a VM.
type Disk struct {
	File      string `json:"file"` // relative to the host's run directory
	Serial    string `json:"serial"`
	SizeBytes int64  `json:"size_bytes"`
}

// BootServer is a site's boot server in the namespace.
type BootServer struct {
	Site      string       `json:"site"`
	Interface string       `json:"interface"`
	Addr      netip.Prefix `json:"addr"`
	URL       string       `json:"url"`
}

// ifNameMax is the longest Linux interface name.
const ifNameMax = 15

// Plan lays out the lab for an inventory: a bridge per site carrying the
// boot server's address, the BMC bridge carrying bmcNet's address and every
// BMC address, and per server a tap, its MACs, disks and BMC. Problems are
// reported with the file:line of the offending block.
func Plan(inv *inventory.Inventory, namespace string, bmcNet netip.Prefix) (*Layout, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	if !bmcNet.IsValid() {
		bmcNet = DefaultBMCGateway
	}
	var errs []error
	bad := func(r hcl.Range, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %w: %s", r, ErrInventory, fmt.Sprintf(format, args...)))
	}
	lay := &Layout{Namespace: namespace}
	sites := map[string]bool{}
	for _, s := range inv.Sites {
		br := "rs-" + s.Name
		if len(br) > ifNameMax {
			bad(s.DeclRange, "site %q: bridge name %q longer than %d characters", s.Name, br, ifNameMax)
			continue
		}
		if !s.Network.BootServer.IsValid() || !s.Network.Prefix.Contains(s.Network.BootServer) {
			bad(s.Network.Range, "site %q: network needs a boot_server address inside its prefix", s.Name)
			continue
		}
		addr := netip.PrefixFrom(s.Network.BootServer, s.Network.Prefix.Bits())
		lay.Bridges = append(lay.Bridges, Bridge{Name: br, Addrs: []netip.Prefix{addr}})
		lay.BootServers = append(lay.BootServers, BootServer{Site: s.Name, Interface: br, Addr: addr, URL: s.Network.BootURL})
		sites[s.Name] = true
	}
	creds := map[string]*inventory.Credential{}
	for _, c := range inv.Credentials {
		creds[c.Name] = c
	}
	bmcBridge := Bridge{Name: BMCBridge, Addrs: []netip.Prefix{bmcNet}}
	seenBMC := map[netip.AddrPort]string{}
	for _, s := range inv.Servers {
		h, err := planServer(s, creds, sites, bmcNet)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := seenBMC[h.BMC]; dup {
			bad(s.BMC.Range, "server %q: BMC %s already used by %s", s.Name, h.BMC, prev)
			continue
		}
		seenBMC[h.BMC] = s.Name
		bmcBridge.Addrs = append(bmcBridge.Addrs, netip.PrefixFrom(h.BMC.Addr(), bmcNet.Bits()))
		lay.Hosts = append(lay.Hosts, *h)
	}
	lay.Bridges = append(lay.Bridges, bmcBridge)
	if len(lay.Hosts) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: %w: no servers", inv.Dir, ErrInventory))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return lay, nil
}

func planServer(s *inventory.Server, creds map[string]*inventory.Credential, sites map[string]bool, bmcNet netip.Prefix) (*Host, error) {
	fail := func(r hcl.Range, format string, args ...any) error {
		return fmt.Errorf("%s: %w: server %q: %s", r, ErrInventory, s.Name, fmt.Sprintf(format, args...))
	}
	if !sites[s.Site] {
		return nil, fail(s.DeclRange, "site %q is not a lab site", s.Site)
	}
	if s.BMC.Protocol != "" && s.BMC.Protocol != "ipmi" {
		return nil, fail(s.BMC.Range, "protocol %q: lab BMCs (ipmi_sim) speak ipmi only", s.BMC.Protocol)
	}
	if !bmcNet.Contains(s.BMC.Address) || s.BMC.Address == bmcNet.Addr() {
		return nil, fail(s.BMC.Range, "address %s is not a BMC address in the lab's BMC network %s", s.BMC.Address, bmcNet)
	}
	cred := creds[s.BMC.Credential]
	if cred == nil || cred.Username == "" {
		return nil, fail(s.BMC.Range, "credential %q is not defined or has no username", s.BMC.Credential)
	}
	var nic *inventory.NIC
	for i := range s.NICs {
		if s.NICs[i].Purpose == "provisioning" {
			nic = &s.NICs[i]
			break
		}
	}
	if nic == nil {
		return nil, fail(s.DeclRange, "no nic with purpose \"provisioning\" to put on the site bridge")
	}
	if len(s.Disks) == 0 {
		return nil, fail(s.DeclRange, "no disks")
	}
	port := s.BMC.Port
	if port == 0 {
		port = 623
	}
	h := &Host{
		Name: s.Name, Site: s.Site, Serial: s.Serial,
		Bridge: "rs-" + s.Site, Tap: tapName(s.Name), MAC: nic.MAC,
		BMC: netip.AddrPortFrom(s.BMC.Address, uint16(port)), BMCUser: cred.Username,
	}
	if s.Firmware == inventory.FirmwareUEFI {
		h.Firmware = inventory.FirmwareUEFI
	}
	for _, d := range s.Disks {
		if d.SizeBytes <= 0 {
			return nil, fail(d.Range, "disk %q needs a size for its image", d.Name)
		}
		h.Disks = append(h.Disks, Disk{File: d.Name + ".img", Serial: d.Serial, SizeBytes: d.SizeBytes})
	}
	return h, nil
}

// tapName is "rs-<host>" when that fits an interface name, else "rs-" and
// a hash of the host name.
func tapName(host string) string {
	if n := "rs-" + host; len(n) <= ifNameMax {
		return n
	}
	sum := sha256.Sum256([]byte(host))
	return "rs-" + hex.EncodeToString(sum[:])[:ifNameMax-3]
}

// Host returns the host named name.
func (l *Layout) Host(name string) (*Host, bool) {
	for i := range l.Hosts {
		if l.Hosts[i].Name == name {
			return &l.Hosts[i], true
		}
	}
	return nil, false
}

// diskPaths are the absolute disk image paths of h under runDir.
func (h *Host) diskPaths(runDir string) []string {
	var ps []string
	for _, d := range h.Disks {
		ps = append(ps, filepath.Join(runDir, h.Name, d.File))
	}
	return ps
}
