package inventory

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// RegisterResult is a planned registration: the file it edits, its content
// before and after. Nothing is written until Write.
type RegisterResult struct {
	File    string
	Old     []byte // nil when the file does not exist yet
	New     []byte
	Created bool // the server is new to the inventory
	Changed bool // false when the inventory already says all of it
}

// Write writes the edited file atomically, if anything changed.
func (r *RegisterResult) Write() error {
	if !r.Changed {
		return nil
	}
	return WriteFileAtomic(r.File, r.New)
}

// DiagnosticsError carries diagnostics as an error.
type DiagnosticsError struct {
	Msg   string
	Diags hcl.Diagnostics
}

func (e *DiagnosticsError) Error() string {
	var b strings.Builder
	b.WriteString(e.Msg + ":")
	for _, d := range e.Diags {
		b.WriteString("\n  ")
		if d.Subject != nil {
			b.WriteString(where(*d.Subject) + ": ")
		}
		b.WriteString(d.Summary + ": " + d.Detail)
	}
	return b.String()
}
func (e *DiagnosticsError) Unwrap() error { return ErrInvalid }

// Register plans adding or updating a server in the stack folder dir: in
// the file that already declares it, else in dir/servers.hcl. It refuses,
// with every reason, when the server would take rack units, an outlet, a
// MAC, a serial, a BMC or IP address another server holds, and when the
// edited inventory would not validate (checked in memory). Comments and
// layout of the rest of the file are kept.
func Register(dir string, reg Registration) (*RegisterResult, error) {
	if err := reg.normalize(); err != nil {
		return nil, fmt.Errorf("register %s: %w", reg.Name, err)
	}
	srcs, err := readStack(dir)
	if err != nil {
		return nil, err
	}
	inv, diags := LoadSources(dir, srcs)
	if !diags.HasErrors() {
		diags = append(diags, Validate(inv)...)
	}
	if diags.HasErrors() {
		return nil, &DiagnosticsError{Msg: "the stack in " + dir + " has errors; fix them before registering", Diags: errorsOnly(diags)}
	}
	ix := newIndex(inv)
	existing := ix.servers[reg.Name]
	want, err := wantedServer(inv, ix, existing, reg)
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", reg.Name, err)
	}
	if err := conflicts(inv, want); err != nil {
		return nil, fmt.Errorf("register %s: %w", reg.Name, err)
	}

	file := filepath.Join(dir, "servers.hcl")
	if existing != nil {
		file = existing.DeclRange.Filename
	}
	res := &RegisterResult{File: file, Old: srcs[file], Created: existing == nil}
	res.New, err = editServer(srcs[file], file, want, reg, existing == nil)
	if err != nil {
		return nil, fmt.Errorf("register %s: edit %s: %w", reg.Name, file, err)
	}

	srcs[file] = res.New
	inv2, d := LoadSources(dir, srcs)
	if !d.HasErrors() {
		d = append(d, Validate(inv2)...)
	}
	if d.HasErrors() {
		return nil, &DiagnosticsError{Msg: "refusing to register " + reg.Name + ": the inventory would not validate", Diags: errorsOnly(d)}
	}
	res.Changed = existing == nil || !sameServer(existing, newIndex(inv2).servers[reg.Name])
	if !res.Changed {
		res.New = res.Old
	}
	return res, nil
}

func readStack(dir string) (map[string][]byte, error) {
	names, err := stackFiles(dir)
	if err != nil {
		return nil, err
	}
	srcs := make(map[string][]byte, len(names))
	for _, n := range names {
		b, d := readStackFile(n)
		if d != nil {
			return nil, fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
		srcs[n] = b
	}
	return srcs, nil
}

func errorsOnly(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d)
		}
	}
	return out
}

// wantedServer is the server as it will be: the existing one with the
// registration's fields applied, or a new one with defaults taken from a
// peer in the same site.
func wantedServer(inv *Inventory, ix *index, existing *Server, reg Registration) (*Server, error) {
	var s Server
	if existing != nil {
		s = *existing
	} else {
		s = Server{Name: reg.Name, Height: 1}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&s.Site, reg.Site)
	set(&s.Rack, reg.Rack)
	set(&s.Model, reg.Model)
	set(&s.Serial, reg.Serial)
	set(&s.Image, reg.Image)
	if reg.U > 0 {
		s.U = reg.U
	}
	if reg.Height > 0 {
		s.Height = reg.Height
	}
	if reg.Roles != nil {
		s.Roles = reg.Roles
	}
	if reg.Address != "" {
		s.Address = netip.MustParsePrefix(reg.Address) // checked by normalize
	}
	if reg.BMC != "" {
		s.BMC.Address = netip.MustParseAddr(reg.BMC)
	}
	set(&s.BMC.Credential, reg.BMCCredential)
	if len(reg.NICs) > 0 {
		s.NICs = nil
		for i, n := range reg.NICs {
			purpose := "private"
			if i == 0 {
				purpose = "provisioning"
			}
			s.NICs = append(s.NICs, NIC{Name: n.Name, MAC: n.MAC, Purpose: purpose})
		}
	}
	if len(reg.PSUs) > 0 {
		s.PSUs = nil
		for _, p := range reg.PSUs {
			s.PSUs = append(s.PSUs, PSU{PDU: p.PDU, Outlet: p.Outlet, Watts: p.Watts})
		}
	}
	if len(reg.Disks) > 0 {
		s.Disks = nil
		s.Storage.Disks = nil
		for _, d := range reg.Disks {
			s.Disks = append(s.Disks, Disk{Name: d.Name, Serial: d.Serial, Path: d.Path, SizeBytes: d.SizeBytes})
			s.Storage.Disks = append(s.Storage.Disks, d.Name)
		}
		s.Storage.RAIDLevel = raidFor(len(reg.Disks))
	}
	if reg.RAIDLevel > 0 {
		s.Storage.RAIDLevel = reg.RAIDLevel
	}
	if existing != nil {
		return &s, nil
	}

	// New server: what the registration leaves open comes from a peer.
	var missing []string
	for name, v := range map[string]bool{"--site": s.Site == "", "--rack": s.Rack == "", "--u": s.U == 0,
		"--serial": s.Serial == "", "--mac": len(s.NICs) == 0, "--bmc": !s.BMC.Address.IsValid()} {
		if v {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("a new server needs %v", missing)
	}
	site, ok := ix.sites[s.Site]
	if !ok {
		return nil, fmt.Errorf("unknown site %q", s.Site)
	}
	var peer *Server
	for _, o := range inv.Servers {
		if o.Site == s.Site {
			peer = o
			break
		}
	}
	if !s.Address.IsValid() {
		a, err := nextFreeAddress(inv, site)
		if err != nil {
			return nil, err
		}
		s.Address = a
	}
	if s.BMC.Credential == "" {
		switch {
		case peer != nil:
			s.BMC.Credential = peer.BMC.Credential
		case len(inv.Credentials) == 1:
			s.BMC.Credential = inv.Credentials[0].Name
		default:
			return nil, errors.New("say which BMC credential to use (--bmc-credential)")
		}
	}
	s.BMC.Protocol, s.BMC.Port = "ipmi", 623
	enc := &Encryption{Type: "luks2", Cipher: "aes-xts-plain64", PBKDF: "argon2id", KeySource: "bootserver"}
	if peer != nil {
		if s.Image == "" {
			s.Image = peer.Image
		}
		if pe := peer.Storage.Encryption; pe != nil {
			c := *pe
			c.RecoveryEscrow, c.Range, c.Attrs = "", hcl.Range{}, nil
			enc = &c
		}
	}
	s.Storage.Encryption = enc
	return &s, nil
}

// raidFor picks the RAID level for n disks: mirror two, RAID 5 over three,
// RAID 10 over an even number from four, RAID 6 over an odd one.
func raidFor(n int) int {
	switch {
	case n <= 2:
		return 1
	case n == 3:
		return 5
	case n%2 == 0:
		return 10
	default:
		return 6
	}
}

// sameServer compares two decoded servers, ignoring where they were written.
func sameServer(a, b *Server) bool {
	if a == nil || b == nil {
		return a == b
	}
	return reflect.DeepEqual(stripRanges(*a), stripRanges(*b))
}

func stripRanges(s Server) Server {
	s.DeclRange, s.Attrs = hcl.Range{}, nil
	s.BMC.Range, s.BMC.Attrs = hcl.Range{}, nil
	s.PSUs = append([]PSU(nil), s.PSUs...)
	for i := range s.PSUs {
		s.PSUs[i].Range, s.PSUs[i].Attrs = hcl.Range{}, nil
	}
	s.NICs = append([]NIC(nil), s.NICs...)
	for i := range s.NICs {
		s.NICs[i].Range, s.NICs[i].Attrs = hcl.Range{}, nil
	}
	s.Disks = append([]Disk(nil), s.Disks...)
	for i := range s.Disks {
		s.Disks[i].Range, s.Disks[i].Attrs = hcl.Range{}, nil
	}
	s.Storage.Range, s.Storage.Attrs = hcl.Range{}, nil
	if e := s.Storage.Encryption; e != nil {
		c := *e
		c.Range, c.Attrs = hcl.Range{}, nil
		s.Storage.Encryption = &c
	}
	return s
}
