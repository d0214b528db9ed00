package inventory

import (
	"fmt"
	"path"
	"strings"
)

// HostFacts is what a freshly racked server reported about itself when it
// booted into discovery: its own small struct so that this package depends
// on no other racksmith package (the CLI converts the boot server's type).
type HostFacts struct {
	MAC     string // the MAC it PXE-booted from: the provisioning NIC
	Serial  string
	Vendor  string
	Product string
	NICs    []NICFacts
	Disks   []DiskFacts
}

// NICFacts is one interface a host reported.
type NICFacts struct {
	Name string
	MAC  string
}

// DiskFacts is one block device a host reported.
type DiskFacts struct {
	Path      string
	Serial    string
	SizeBytes int64
}

// ApplyFacts fills a registration from discovery facts: the serial, the
// model, the NICs (the boot MAC first, as provisioning NIC) and the disks.
// Values given explicitly win only when they agree with the facts: a serial
// or a MAC list that contradicts what the host reported is an error.
func (r *Registration) ApplyFacts(f HostFacts) error {
	boot, err := NormalizeMAC(f.MAC)
	if err != nil {
		return fmt.Errorf("discovery facts: %w", err)
	}
	if f.Serial != "" {
		if r.Serial != "" && r.Serial != f.Serial {
			return fmt.Errorf("%w: --serial %q but the host reported serial %q", ErrConflict, r.Serial, f.Serial)
		}
		r.Serial = f.Serial
	}
	if r.Model == "" {
		r.Model = strings.TrimSpace(f.Vendor + " " + f.Product)
	}
	if len(r.NICs) == 0 {
		r.NICs = append(r.NICs, RegNIC{Name: nicName(f.NICs, boot, 0), MAC: boot})
		for i, n := range f.NICs {
			mac, err := NormalizeMAC(n.MAC)
			if err != nil {
				return fmt.Errorf("discovery facts: nic %q: %w", n.Name, err)
			}
			if mac != boot {
				r.NICs = append(r.NICs, RegNIC{Name: nicName(f.NICs, mac, i+1), MAC: mac})
			}
		}
	} else if r.NICs[0].MAC != boot {
		return fmt.Errorf("%w: first --mac %s is not the MAC %s the host booted from", ErrConflict, r.NICs[0].MAC, boot)
	}
	if len(r.Disks) == 0 {
		for i, d := range f.Disks {
			name := path.Base(d.Path)
			if d.Path == "" || name == "." || name == "/" {
				name = fmt.Sprintf("d%d", i)
			}
			r.Disks = append(r.Disks, RegDisk{Name: name, Serial: d.Serial, Path: d.Path, SizeBytes: d.SizeBytes})
		}
	}
	return nil
}

func nicName(nics []NICFacts, mac string, i int) string {
	for _, n := range nics {
		if m, err := NormalizeMAC(n.MAC); err == nil && m == mac && n.Name != "" {
			return n.Name
		}
	}
	return fmt.Sprintf("eth%d", i)
}
