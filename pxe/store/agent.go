package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/racksmith/racksmith/pxe/plan"
	bolt "go.etcd.io/bbolt"
)

// Every agent operation returns the MAC the token belongs to (empty when
// the token is unknown) so the caller can log who asked, even on refusal.

// AgentPlan hands the install plan to the holder of an install token and
// marks the host installing. For an install it mints the host's unlock
// token (replacing any earlier one) and puts it in Plan.Unlock.Token; the
// caller fills Plan.Unlock.URL. A wipe gets a plan naming only the host.
func (s *Store) AgentPlan(tok string) (string, plan.Plan, error) {
	var mac string
	var p plan.Plan
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, _, err := lookup(tx, tok, KindInstall)
		if err != nil {
			return err
		}
		mac = r.MAC
		if sp, err := s.openPlan(r); err != nil {
			return err
		} else if sp != nil {
			p = *sp
		}
		p.MAC, p.Mode = r.MAC, r.Mode
		if p.Hostname == "" {
			p.Hostname = r.Hostname
		}
		if r.Mode == plan.ModeInstall {
			if p.Unlock.Token, err = s.issue(tx, mac, KindUnlock, &r.Secrets.UnlockHash); err != nil {
				return err
			}
		}
		if r.State == plan.StatePending {
			r.State = plan.StateInstalling
		}
		return s.putRecord(tx, r)
	})
	return mac, p, err
}

// AgentKey hands out the LUKS key of the current install, once: a second
// fetch in the same install attempt fails with ErrKeyFetched.
func (s *Store) AgentKey(tok string) (string, string, error) {
	var key string
	mac, err := s.installSecret(tok, "key", func(r *record) error {
		if r.Secrets.KeyFetched {
			return ErrKeyFetched
		}
		if r.Secrets.SealedKey == nil {
			return ErrNoKey
		}
		k, err := s.seal.open(r.Secrets.SealedKey, r.MAC)
		if err != nil {
			return err
		}
		key = string(k)
		r.Secrets.KeyFetched = true
		return nil
	})
	return mac, key, err
}

// AgentRecoveryKey hands out the recovery passphrase of the current
// install, once: the boot server drops it as it hands it out (the
// provider's state is its escrow), so a second fetch gets ErrNoKey.
func (s *Store) AgentRecoveryKey(tok string) (string, string, error) {
	var key string
	mac, err := s.installSecret(tok, "recovery key", func(r *record) error {
		if r.Secrets.SealedRecovery == nil {
			return ErrNoKey
		}
		k, err := s.seal.open(r.Secrets.SealedRecovery, recoveryAAD(r.MAC))
		if err != nil {
			return err
		}
		key = string(k)
		r.Secrets.SealedRecovery = nil
		return nil
	})
	return mac, key, err
}

// installSecret runs take on the record of the install token's host, in
// mode install, and stores what take changed (nothing when it fails).
func (s *Store) installSecret(tok, what string, take func(r *record) error) (string, error) {
	var mac string
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, _, err := lookup(tx, tok, KindInstall)
		if err != nil {
			return err
		}
		mac = r.MAC
		if r.Mode != plan.ModeInstall {
			return fmt.Errorf("%w: %s asked in mode %s", ErrWrongState, what, r.Mode)
		}
		if err := take(r); err != nil {
			return err
		}
		return s.putRecord(tx, r)
	})
	return mac, err
}

// AddEvent records a progress event of an install, wipe or discovery boot.
func (s *Store) AddEvent(tok string, ev plan.Event) (string, error) {
	var mac string
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, _, err := lookup(tx, tok, KindInstall, KindDiscover)
		if err != nil {
			return err
		}
		mac = r.MAC
		s.appendEvent(r, ev)
		return s.putRecord(tx, r)
	})
	return mac, err
}

func (s *Store) appendEvent(r *record, ev plan.Event) {
	ev.MAC = r.MAC
	if ev.Time.IsZero() {
		ev.Time = s.now().UTC()
	}
	r.Events = append(r.Events, ev)
	if n := len(r.Events); n > maxEvents {
		r.Events = append([]plan.Event(nil), r.Events[n-maxEvents:]...)
	}
	r.Stage, r.Percent = ev.Stage, ev.Percent
}

// Finish records the agent's final result. An install that went well makes
// the host installed (its next boot is local); a failed one makes it
// failed. A wipe that went well makes it wiped and destroys its sealed key
// and unlock token; a failed wipe quarantines it. The install token is
// revoked either way.
func (s *Store) Finish(tok string, res plan.Result) (string, plan.Status, error) {
	var mac string
	var st plan.Status
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, _, err := lookup(tx, tok, KindInstall, KindDiscover)
		if err != nil {
			return err
		}
		mac = r.MAC
		res.MAC, res.Mode = r.MAC, r.Mode
		if res.Time.IsZero() {
			res.Time = s.now().UTC()
		}
		r.Result = &res
		r.Stage = res.Stage
		switch {
		case r.Mode == plan.ModeWipe && res.OK:
			r.State = plan.StateWiped
			r.OnDisk = nil
			r.Secrets.SealedKey = nil
			revoke(tx, r.Secrets.UnlockHash)
			r.Secrets.UnlockHash = ""
		case r.Mode == plan.ModeWipe:
			r.State = plan.StateQuarantine
		case r.Mode == plan.ModeDiscover:
			r.State = plan.StateDiscovered
		case res.OK:
			r.State, r.Percent = plan.StateInstalled, 100
			r.OnDisk = res.FileSums
		default:
			r.State = plan.StateFailed
		}
		revoke(tx, r.Secrets.InstallHash)
		r.Secrets.InstallHash = ""
		if err := s.putRecord(tx, r); err != nil {
			return err
		}
		st = r.status()
		return nil
	})
	return mac, st, err
}

// Facts records what a host reports of itself. A host booted for discovery
// becomes discovered.
func (s *Store) Facts(tok string, f plan.Facts) (string, error) {
	var mac string
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, _, err := lookup(tx, tok, KindInstall, KindDiscover)
		if err != nil {
			return err
		}
		mac = r.MAC
		if f.MAC != "" {
			if fm, err := NormalizeMAC(f.MAC); err != nil || fm != mac {
				return fmt.Errorf("%w: field mac: %q is not the token's host %s", ErrInvalid, f.MAC, mac)
			}
		}
		f.MAC = mac
		if f.Time.IsZero() {
			f.Time = s.now().UTC()
		}
		for i := range f.NICs {
			f.NICs[i].MAC = strings.ToLower(f.NICs[i].MAC)
		}
		r.Facts = &f
		if r.Mode == plan.ModeDiscover {
			r.State = plan.StateDiscovered
		}
		return s.putRecord(tx, r)
	})
	return mac, err
}

// Unlock returns the LUKS key to an installed host booting from its disks,
// authenticated by its unlock token.
func (s *Store) Unlock(tok string) (string, string, error) {
	var mac, key string
	err := s.db.View(func(tx *bolt.Tx) error {
		r, err := unlockRecord(tx, tok, &mac)
		if err != nil {
			return err
		}
		if r.KeySource == "tang" {
			return fmt.Errorf("%w: the host's key source is tang: its Tang servers unlock it, not the boot server", ErrWrongState)
		}
		if r.Secrets.SealedKey == nil {
			return ErrNoKey
		}
		k, err := s.seal.open(r.Secrets.SealedKey, mac)
		if err != nil {
			return err
		}
		key = string(k)
		return nil
	})
	return mac, key, err
}

// openPlan unseals the host's plan; nil when it has none.
func (s *Store) openPlan(r *record) (*plan.Plan, error) {
	if r.Secrets.SealedPlan == nil {
		return nil, nil
	}
	js, err := s.seal.open(r.Secrets.SealedPlan, r.MAC)
	if err != nil {
		return nil, err
	}
	var p plan.Plan
	if err := json.Unmarshal(js, &p); err != nil {
		return nil, fmt.Errorf("decode plan of %s: %w", r.MAC, err)
	}
	return &p, nil
}

// Booted records that an installed host came up from its own disks.
func (s *Store) Booted(tok string, ev plan.Event) (string, error) {
	var mac string
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, _, err := lookup(tx, tok, KindUnlock)
		if err != nil {
			return err
		}
		mac = r.MAC
		ev.Stage = plan.StageBooted
		s.appendEvent(r, ev)
		if r.State == plan.StateInstalled {
			r.State = plan.StateBooted
		}
		return s.putRecord(tx, r)
	})
	return mac, err
}
