package store

import (
	"github.com/racksmith/racksmith/pxe/plan"
	bolt "go.etcd.io/bbolt"
)

// BootKind is which iPXE script a host gets.
type BootKind string

const (
	BootInstall  BootKind = "install"  // installer, mode install, install token
	BootLocal    BootKind = "local"    // boot from the first disk
	BootDiscover BootKind = "discover" // installer, mode discover, discovery token
	BootWipe     BootKind = "wipe"     // installer, mode wipe, install token
	BootNone     BootKind = "none"     // nothing to do: say why, power off
)

// Boot is the decision for one PXE boot of a host. Token is the plain token
// to put on the installer's kernel command line (install, discover, wipe).
type Boot struct {
	Kind     BootKind
	MAC      string
	Hostname string
	State    string
	Token    string
	Reason   string // for BootNone: why nothing boots
}

// decide is the pure part of the boot decision: which script a host in
// this record (nil: unknown) gets.
func decide(r *record, discovery bool) (BootKind, string) {
	if r == nil {
		if discovery {
			return BootDiscover, ""
		}
		return BootNone, "unknown host and discovery is disabled"
	}
	if r.State == plan.StateQuarantine {
		return BootNone, "host is quarantined"
	}
	switch r.Mode {
	case plan.ModeLocal:
		return BootLocal, ""
	case plan.ModeDiscover:
		return BootDiscover, ""
	case plan.ModeInstall:
		switch r.State {
		case plan.StatePending, plan.StateInstalling:
			return BootInstall, ""
		case plan.StateInstalled, plan.StateBooted:
			return BootLocal, ""
		case plan.StateFailed:
			return BootNone, "install failed; waiting for a reinstall"
		}
	case plan.ModeWipe:
		switch r.State {
		case plan.StatePending, plan.StateInstalling:
			return BootWipe, ""
		case plan.StateWiped:
			return BootNone, "host is wiped"
		}
	}
	if !r.Intended && discovery {
		return BootDiscover, ""
	}
	if !r.Intended {
		return BootNone, "host is not provisioned and discovery is disabled"
	}
	return BootNone, "nothing to do in state " + r.State
}

// BootFor decides what host mac boots now and mints the token that boot
// carries. Each install or wipe boot gets a fresh one-time install token
// (the previous one is revoked); a discovery boot of an unknown host
// creates a discovered-host record holding its discovery token.
func (s *Store) BootFor(mac string, discovery bool) (Boot, error) {
	var b Boot
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, mac)
		if err != nil {
			r = nil
		}
		kind, reason := decide(r, discovery)
		b = Boot{Kind: kind, MAC: mac, Reason: reason}
		if r != nil {
			b.Hostname, b.State = r.Hostname, r.State
		}
		switch kind {
		case BootInstall, BootWipe:
			b.Token, err = s.issue(tx, mac, KindInstall, &r.Secrets.InstallHash)
		case BootDiscover:
			if r == nil {
				r = &record{MAC: mac, Mode: plan.ModeDiscover, State: plan.StatePending}
				b.State = r.State
			}
			b.Token, err = s.issue(tx, mac, KindDiscover, &r.Secrets.DiscoverHash)
		default:
			return nil
		}
		if err != nil {
			return err
		}
		return s.putRecord(tx, r)
	})
	return b, err
}
