// Package store keeps the boot server's state in an embedded bbolt file: one
// record per host (intent, install state, progress events, result, facts),
// an index of token hashes, and the hosts' LUKS keys sealed with AES-GCM
// under a sealing key kept in a separate 0600 file. Everything survives a
// restart: a host mid-install stays mid-install and its tokens stay valid.
//
// Tokens are 32 random bytes in hex and are stored only as SHA-256 hashes.
// Plain secrets (tokens, keys) are returned to the caller that must hand
// them out and are never logged or stored by this package.
package store

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketHosts  = []byte("hosts")
	bucketTokens = []byte("tokens")
)

// maxEvents is how many progress events a host record keeps (the newest).
const maxEvents = 256

// Options tune a Store. The zero value is production: crypto/rand, wall clock,
// sealing key at statePath+".seal".
type Options struct {
	SealKeyPath string           // default: the state file's path + ".seal"
	Rand        io.Reader        // default crypto/rand.Reader
	Now         func() time.Time // default time.Now
	LockTimeout time.Duration    // waiting for another process's lock; default 2s
}

// Store is the boot server's persistent state. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	seal *sealer
	rand io.Reader
	now  func() time.Time
}

// record is one host as stored (JSON in bucket "hosts", keyed by MAC).
type record struct {
	MAC       string        `json:"mac"`
	Hostname  string        `json:"hostname,omitempty"`
	Mode      plan.Mode     `json:"mode"`
	State     string        `json:"state"`
	Stage     string        `json:"stage,omitempty"`
	Percent   int           `json:"percent,omitempty"`
	PlanHash  string        `json:"plan_hash,omitempty"`
	Events    []plan.Event  `json:"events,omitempty"`
	Result    *plan.Result  `json:"result,omitempty"`
	Facts     *plan.Facts   `json:"facts,omitempty"`
	UpdatedAt time.Time     `json:"updated_at"`
	Intended  bool          `json:"intended"` // an intent was PUT (false: only discovered)
	Secrets   recordSecrets `json:"secrets"`
	// OnDisk is the role files known to be on the host's disks, path ->
	// sha256: the last install's, then each boot-time delivery's. It
	// survives new intents (a boot-from-disk intent removes what its plan
	// no longer has).
	OnDisk map[string]string `json:"on_disk,omitempty"`
	// KeySource is the plan's encryption key source ("bootserver",
	// "tang"), kept beside the sealed plan so that an unlock need not
	// unseal it.
	KeySource string         `json:"key_source,omitempty"`
	Delivered *plan.Delivery `json:"delivered,omitempty"`
}

// recordSecrets holds the secret material of a host, never in plain text:
// token hashes, the AES-GCM sealed LUKS key and the sealed plan (role
// files may carry credentials).
type recordSecrets struct {
	SealedKey  []byte `json:"sealed_key,omitempty"`
	SealedPlan []byte `json:"sealed_plan,omitempty"`
	KeyFetched bool   `json:"key_fetched,omitempty"`
	// SealedRecovery is the install's recovery passphrase, sealed; it is
	// dropped once handed out (the provider's state is its escrow).
	SealedRecovery []byte `json:"sealed_recovery,omitempty"`
	InstallHash    string `json:"install_hash,omitempty"`
	UnlockHash     string `json:"unlock_hash,omitempty"`
	DiscoverHash   string `json:"discover_hash,omitempty"`
}

// Open opens (creating if needed) the state file at path and its sealing
// key. Only one process can hold a state file; a second Open fails after
// LockTimeout.
func Open(path string, opt Options) (*Store, error) {
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SealKeyPath == "" {
		opt.SealKeyPath = path + ".seal"
	}
	if opt.LockTimeout == 0 {
		opt.LockTimeout = 2 * time.Second
	}
	key, err := loadSealKey(opt.SealKeyPath, opt.Rand)
	if err != nil {
		return nil, err
	}
	sl, err := newSealer(key, opt.Rand)
	if err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.LockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open state %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketHosts, bucketTokens} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init state %s: %w", path, err)
	}
	return &Store{db: db, seal: sl, rand: opt.Rand, now: opt.Now}, nil
}

// Close releases the state file.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the state can be read (health checks).
func (s *Store) Ping() error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketHosts) == nil {
			return fmt.Errorf("state %s: no hosts bucket", s.db.Path())
		}
		return nil
	})
}

// Path is the state file's path.
func (s *Store) Path() string { return s.db.Path() }

func getRecord(tx *bolt.Tx, mac string) (*record, error) {
	v := tx.Bucket(bucketHosts).Get([]byte(mac))
	if v == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, mac)
	}
	var r record
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("decode host %s: %w", mac, err)
	}
	return &r, nil
}

func (s *Store) putRecord(tx *bolt.Tx, r *record) error {
	r.UpdatedAt = s.now().UTC()
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode host %s: %w", r.MAC, err)
	}
	return tx.Bucket(bucketHosts).Put([]byte(r.MAC), v)
}

// issue mints a token of kind for mac, replacing the one *hash points at.
func (s *Store) issue(tx *bolt.Tx, mac string, kind TokenKind, hash *string) (string, error) {
	revoke(tx, *hash)
	tok, err := newToken(s.rand)
	if err != nil {
		return "", err
	}
	h := hashToken(tok)
	v, _ := json.Marshal(tokenRef{MAC: mac, Kind: kind})
	if err := tx.Bucket(bucketTokens).Put([]byte(h), v); err != nil {
		return "", fmt.Errorf("store token: %w", err)
	}
	*hash = h
	return tok, nil
}

func revoke(tx *bolt.Tx, hash string) {
	if hash != "" {
		_ = tx.Bucket(bucketTokens).Delete([]byte(hash))
	}
}

// lookup resolves a token to its host record, checking its kind is one of
// kinds and that the host still holds this very token.
func lookup(tx *bolt.Tx, tok string, kinds ...TokenKind) (*record, TokenKind, error) {
	if tok == "" {
		return nil, "", ErrBadToken
	}
	h := hashToken(tok)
	v := tx.Bucket(bucketTokens).Get([]byte(h))
	if v == nil {
		return nil, "", ErrBadToken
	}
	var ref tokenRef
	if err := json.Unmarshal(v, &ref); err != nil {
		return nil, "", fmt.Errorf("decode token index: %w", err)
	}
	ok := false
	for _, k := range kinds {
		ok = ok || k == ref.Kind
	}
	if !ok {
		return nil, "", ErrBadToken
	}
	r, err := getRecord(tx, ref.MAC)
	if err != nil {
		return nil, "", ErrBadToken
	}
	cur := map[TokenKind]string{KindInstall: r.Secrets.InstallHash, KindUnlock: r.Secrets.UnlockHash, KindDiscover: r.Secrets.DiscoverHash}[ref.Kind]
	if cur != h {
		return nil, "", ErrBadToken
	}
	return r, ref.Kind, nil
}

func (r *record) status() plan.Status {
	st := plan.Status{
		MAC: r.MAC, Hostname: r.Hostname, Mode: r.Mode, State: r.State,
		Stage: r.Stage, Percent: r.Percent, Result: r.Result, Facts: r.Facts,
		UpdatedAt: r.UpdatedAt, PlanHash: r.PlanHash, Delivered: r.Delivered,
	}
	if len(r.Events) > 0 {
		st.Events = append([]plan.Event(nil), r.Events...)
	}
	return st
}
