package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// TokenKind says what a token authorises.
type TokenKind string

const (
	// KindInstall is the one-time token of one install (or wipe) boot: plan,
	// key (once), events, result, facts.
	KindInstall TokenKind = "install"
	// KindUnlock is a host's long-lived token for unlocking its disks at
	// every boot from disk and reporting that it booted.
	KindUnlock TokenKind = "unlock"
	// KindDiscover is the token of an unknown host booted for discovery:
	// facts only.
	KindDiscover TokenKind = "discover"
)

// tokenRef is what the token index keeps under a token's hash.
type tokenRef struct {
	MAC  string    `json:"mac"`
	Kind TokenKind `json:"kind"`
}

// newToken returns 32 random bytes in hex; only its hash is stored.
func newToken(rnd io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// hashToken is the key under which a token is indexed. Tokens are 256-bit
// random values, so an unsalted SHA-256 is enough to make the stored form
// useless to a reader of the state file.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
