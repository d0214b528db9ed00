package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// sealer encrypts secrets kept at rest (LUKS keys) with AES-256-GCM under a
// server sealing key that lives in its own 0600 file beside the state file,
// never inside the bbolt file. The host's MAC is the additional data, so a
// sealed key copied onto another host's record does not open.
type sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// loadSealKey reads the hex sealing key at path, creating it (0600, 32
// random bytes) when the file does not exist. A key file readable by group
// or others is refused.
func loadSealKey(path string, rnd io.Reader) ([]byte, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := io.ReadFull(rnd, key); err != nil {
			return nil, fmt.Errorf("generate sealing key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create sealing key %s: %w", path, err)
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			os.Remove(path)
			return nil, fmt.Errorf("write sealing key %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("write sealing key %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stat sealing key %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %o, want 0600", ErrSealKey, path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sealing key %s: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%w: %s must hold 64 hex digits", ErrSealKey, path)
	}
	return key, nil
}

func newSealer(key []byte, rnd io.Reader) (*sealer, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	return &sealer{aead: aead, rand: rnd}, nil
}

// seal returns nonce || ciphertext.
func (s *sealer) seal(plain []byte, aad string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, fmt.Errorf("seal nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(aad)), nil
}

func (s *sealer) open(sealed []byte, aad string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, fmt.Errorf("%w: sealed value too short", ErrSealKey)
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("%w: sealed value does not open with this sealing key", ErrSealKey)
	}
	return plain, nil
}
