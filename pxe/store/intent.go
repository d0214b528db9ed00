package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/racksmith/racksmith/pxe/plan"
	bolt "go.etcd.io/bbolt"
)

// PutResult says what a PutIntent did.
type PutResult struct {
	Status plan.Status
	// Reset is true when the intent was new or changed (or a reinstall was
	// asked): state went back to pending and a new install attempt begins.
	Reset bool
}

// IntentHash identifies an intent: its mode, its plan and a digest of its
// key. It is what makes PUT idempotent.
func IntentHash(in plan.Intent) string {
	keySum := sha256.Sum256([]byte(in.Key))
	v, _ := json.Marshal(struct {
		Mode     plan.Mode  `json:"mode"`
		Plan     *plan.Plan `json:"plan"`
		Key      string     `json:"key"`
		Recovery string     `json:"recovery,omitempty"`
	}{in.Mode, in.Plan, hex.EncodeToString(keySum[:]), secretDigest(in.RecoveryKey)})
	h := sha256.Sum256(v)
	return hex.EncodeToString(h[:])
}

// secretDigest is the hex SHA-256 of a secret, "" for none.
func secretDigest(secret string) string {
	if secret == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// recoveryAAD binds a sealed recovery passphrase to its host and its use,
// so it cannot be swapped in for the host's LUKS key.
func recoveryAAD(mac string) string { return mac + " recovery" }

// CheckIntent validates an intent for mac (already normalized).
func CheckIntent(mac string, in plan.Intent) error {
	switch in.Mode {
	case plan.ModeInstall:
		if in.Plan == nil {
			return fmt.Errorf("%w: field plan: required with mode install", ErrInvalid)
		}
		if in.Key == "" && in.Plan.Encryption.KeySource == "bootserver" {
			return fmt.Errorf("%w: field key: required when plan.encryption.key_source is bootserver", ErrInvalid)
		}
		if in.Plan.Encryption.Recovery != (in.RecoveryKey != "") {
			return fmt.Errorf("%w: field recovery_key: given if and only if plan.encryption.recovery is true", ErrInvalid)
		}
	case plan.ModeLocal, plan.ModeDiscover, plan.ModeWipe:
	default:
		return fmt.Errorf("%w: field mode: %q is not one of install, local, discover, wipe", ErrInvalid, in.Mode)
	}
	if in.Plan != nil && in.Plan.MAC != "" {
		pm, err := NormalizeMAC(in.Plan.MAC)
		if err != nil {
			return fmt.Errorf("%w: field plan.mac: %q is not a MAC address", ErrInvalid, in.Plan.MAC)
		}
		if pm != mac {
			return fmt.Errorf("%w: field plan.mac: %s does not match the host %s", ErrInvalid, pm, mac)
		}
	}
	return nil
}

// PutIntent records what host mac is to do at its next PXE boot.
//
// It is idempotent: when the stored intent has the same IntentHash and
// reinstall is false, nothing changes and the current status is returned
// (a host that finished installing stays installed, a failed one stays
// failed). A new or changed intent, or reinstall, starts a new attempt:
// state pending, progress and result cleared, install token revoked, the
// key sealed anew and allowed to be fetched once more.
func (s *Store) PutIntent(mac string, in plan.Intent, reinstall bool) (PutResult, error) {
	if err := CheckIntent(mac, in); err != nil {
		return PutResult{}, err
	}
	if in.Plan != nil {
		// Unlock tokens are the server's to mint (with the plan, for the
		// agent); one sent by the client is dropped, never stored.
		p := *in.Plan
		p.Unlock.Token = ""
		in.Plan = &p
	}
	hash := IntentHash(in)
	var out PutResult
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, mac)
		if err != nil {
			r = &record{MAC: mac}
		}
		if r.Intended && r.PlanHash == hash && !reinstall {
			out.Status = r.status()
			return nil
		}
		var sealed, sealedPlan, sealedRecovery []byte
		if in.Key != "" {
			if sealed, err = s.seal.seal([]byte(in.Key), mac); err != nil {
				return err
			}
		}
		if in.RecoveryKey != "" {
			if sealedRecovery, err = s.seal.seal([]byte(in.RecoveryKey), recoveryAAD(mac)); err != nil {
				return err
			}
		}
		if in.Plan != nil {
			js, err := json.Marshal(in.Plan)
			if err != nil {
				return fmt.Errorf("encode plan: %w", err)
			}
			if sealedPlan, err = s.seal.seal(js, mac); err != nil {
				return err
			}
		}
		revoke(tx, r.Secrets.InstallHash)
		revoke(tx, r.Secrets.DiscoverHash)
		unlock := r.Secrets.UnlockHash
		if in.Mode == plan.ModeInstall || in.Mode == plan.ModeWipe {
			// A new install gets a new unlock token with its plan; a wipe
			// destroys the keys, so the old unlock token must stop working.
			revoke(tx, unlock)
			unlock = ""
		}
		facts, oldKey, onDisk := r.Facts, r.Secrets.SealedKey, r.OnDisk
		*r = record{
			MAC: mac, Mode: in.Mode, State: plan.StatePending,
			PlanHash: hash, Facts: facts, Intended: true, OnDisk: onDisk,
			Secrets: recordSecrets{SealedKey: sealed, SealedPlan: sealedPlan, SealedRecovery: sealedRecovery, UnlockHash: unlock},
		}
		if in.Plan != nil {
			r.Hostname, r.KeySource = in.Plan.Hostname, in.Plan.Encryption.KeySource
		}
		if in.Mode == plan.ModeLocal && sealed == nil {
			// Boot-from-disk intent without a key: keep unlocking with the
			// key already held, if any.
			r.Secrets.SealedKey = oldKey
		}
		if err := s.putRecord(tx, r); err != nil {
			return err
		}
		out = PutResult{Status: r.status(), Reset: true}
		return nil
	})
	return out, err
}

// Status returns what the server knows of host mac.
func (s *Store) Status(mac string) (plan.Status, error) {
	var st plan.Status
	err := s.db.View(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, mac)
		if err != nil {
			return err
		}
		st = r.status()
		return nil
	})
	return st, err
}

// List returns every host, discovered ones included, ordered by MAC.
func (s *Store) List() ([]plan.Status, error) {
	out := []plan.Status{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHosts).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode host %s: %w", k, err)
			}
			out = append(out, r.status())
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].MAC < out[j].MAC })
	return out, err
}

// Delete forgets host mac, its tokens and its sealed key.
func (s *Store) Delete(mac string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, mac)
		if err != nil {
			return err
		}
		revoke(tx, r.Secrets.InstallHash)
		revoke(tx, r.Secrets.UnlockHash)
		revoke(tx, r.Secrets.DiscoverHash)
		return tx.Bucket(bucketHosts).Delete([]byte(mac))
	})
}

// Quarantine keeps host mac out of service: its boot script powers it off
// and its install token is revoked, until a changed intent or a reinstall
// is PUT.
func (s *Store) Quarantine(mac string) (plan.Status, error) {
	var st plan.Status
	err := s.db.Update(func(tx *bolt.Tx) error {
		r, err := getRecord(tx, mac)
		if err != nil {
			return err
		}
		revoke(tx, r.Secrets.InstallHash)
		r.Secrets.InstallHash = ""
		r.State = plan.StateQuarantine
		if err := s.putRecord(tx, r); err != nil {
			return err
		}
		st = r.status()
		return nil
	})
	return st, err
}
