package store

import (
	"fmt"
	"maps"
	"path"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/racksmith/racksmith/pxe/plan"
)

// StageDelivered is the event stage of a boot-time delivery of role files.
const StageDelivered = "delivered"

// BootPlan hands an installed host booting from its disks (unlock token)
// what to lay into its root before it starts: the hostname, network and
// role files of the current plan, and the role files on its disks the plan
// no longer has. A quarantined host, or one with no plan, is refused.
func (s *Store) BootPlan(tok string) (string, plan.BootPlan, error) {
	var mac string
	var bp plan.BootPlan
	err := s.db.View(func(tx *bolt.Tx) error {
		r, err := unlockRecord(tx, tok, &mac)
		if err != nil {
			return err
		}
		p, err := s.openPlan(r)
		if err != nil {
			return err
		}
		if p == nil {
			return fmt.Errorf("%w: no plan held for the host", ErrWrongState)
		}
		bp = plan.BootPlan{Hostname: p.Hostname, Network: p.Network, Files: p.Files}
		planned := make(map[string]bool, len(p.Files))
		for _, f := range p.Files {
			planned[f.Path] = true
		}
		for old := range r.OnDisk {
			if !planned[old] {
				bp.Remove = append(bp.Remove, old)
			}
		}
		slices.Sort(bp.Remove)
		return nil
	})
	return mac, bp, err
}

// Delivered records what an installed host's initramfs laid into its root
// (and removed from it) at a boot from disk: the new set of files on its
// disks, as a status field and an event.
func (s *Store) Delivered(tok string, d plan.Delivery) (string, error) {
	var mac string
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, err := unlockRecord(tx, tok, &mac)
		if err != nil {
			return err
		}
		if len(d.FileSums) > maxDeliveredFiles || len(d.Removed) > maxDeliveredFiles {
			return fmt.Errorf("%w: field file_sums: more than %d files", ErrInvalid, maxDeliveredFiles)
		}
		for p, sum := range d.FileSums {
			if !path.IsAbs(p) || path.Clean(p) != p || len(sum) != 64 {
				return fmt.Errorf("%w: field file_sums: %q -> %q is not an absolute clean path and a sha256", ErrInvalid, p, sum)
			}
		}
		if d.Time.IsZero() {
			d.Time = s.now().UTC()
		}
		onDisk := maps.Clone(r.OnDisk)
		if onDisk == nil {
			onDisk = make(map[string]string, len(d.FileSums))
		}
		for _, p := range d.Removed {
			delete(onDisk, p)
		}
		for p, sum := range d.FileSums {
			onDisk[p] = sum
		}
		r.OnDisk, r.Delivered = onDisk, &d
		s.appendEvent(r, plan.Event{Stage: StageDelivered, Percent: r.Percent,
			Message: fmt.Sprintf("%d role files laid down, %d removed", len(d.FileSums), len(d.Removed)), Time: d.Time})
		return s.putRecord(tx, r)
	})
	return mac, err
}

// unlockRecord is the record of an installed host asking with its unlock
// token (booting from its disks), refused when the host is quarantined;
// *mac is set as soon as the token is known, for the caller's log.
func unlockRecord(tx *bolt.Tx, tok string, mac *string) (*record, error) {
	r, _, err := lookup(tx, tok, KindUnlock)
	if err != nil {
		return nil, err
	}
	*mac = r.MAC
	if r.State == plan.StateQuarantine {
		return nil, fmt.Errorf("%w: host is quarantined", ErrWrongState)
	}
	return r, nil
}

// maxDeliveredFiles bounds a delivery report.
const maxDeliveredFiles = 4096
