// Package inspect checks an installed host from outside it, on its disk
// image files: the md arrays (mdadm --examine of every member), the LUKS2
// header of the encrypted array (cryptsetup luksDump), that the host's key
// opens it and a wrong key does not (cryptsetup --test-passphrase), and the
// files the installer wrote, read from the ext4 filesystem after decrypting
// the array in user space (AES-XTS, golang.org/x/crypto/xts) with debugfs.
// Wiped tells whether a wipe left no md superblock and no LUKS header.
//
// The host kernel needs no md, device-mapper or AF_ALG support: only
// read-only loop devices over partitions, and temporary copies of the LUKS
// header and of the decrypted filesystem, which are removed afterwards.
// The disk files may belong to a running VM: they are only read.
package inspect

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"slices"
)

// Options of Inspect.
type Options struct {
	// Files are the paths to read from the root filesystem with their
	// expected sha256 (hex); none read when empty.
	Files map[string]string
	// TempDir holds the temporary copies (default os.TempDir()).
	TempDir string
	// Log receives progress at debug level; nil discards.
	Log *slog.Logger
}

// Report is what Inspect found.
type Report struct {
	Arrays []Array       `json:"arrays"`
	LUKS   *LUKSHeader   `json:"luks,omitempty"`
	Key    KeyCheck      `json:"key"`
	Files  []FileCheck   `json:"files,omitempty"`
	Errors []string      `json:"errors,omitempty"` // every failed check, in words
	Disks  []string      `json:"disks"`
	Parts  [][]Partition `json:"-"`
}

// OK is true when every check passed.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// KeyCheck is whether the host's key opens the LUKS header and a random
// wrong key does not.
type KeyCheck struct {
	Opens         bool `json:"opens"`
	WrongRejected bool `json:"wrong_rejected"`
}

// FileCheck is one file read from the decrypted root filesystem.
type FileCheck struct {
	Path   string `json:"path"`
	Want   string `json:"want_sha256"`
	Got    string `json:"got_sha256,omitempty"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason,omitempty"`
}

// Inspect examines the disks of one host (in order) whose LUKS passphrase
// is key. Failed checks go to the report's Errors; an error is returned
// only when the disks cannot be examined at all.
func Inspect(ctx context.Context, disks []string, key []byte, opt Options) (*Report, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Report{Disks: slices.Clone(disks)}
	if len(disks) == 0 {
		return nil, fmt.Errorf("%w: no disks given", ErrNoArrays)
	}
	tmp, err := os.MkdirTemp(opt.TempDir, "racksmith-inspect-")
	if err != nil {
		return nil, fmt.Errorf("temporary folder: %w", err)
	}
	defer os.RemoveAll(tmp)

	arrays, err := examineDisks(ctx, disks)
	if err != nil {
		return nil, err
	}
	r.Arrays = arrays
	for _, a := range arrays {
		if a.State != "clean" && a.State != "active" {
			r.fail("array %s (%s): state %q", a.UUID, a.Level, a.State)
		}
		if len(a.Members) < 2 {
			r.fail("array %s (%s): %d member(s) found on the disks", a.UUID, a.Level, len(a.Members))
		}
	}
	enc := encryptedArray(arrays)
	if enc == nil {
		r.fail("no array holds a LUKS header")
		return r, nil
	}
	ar, err := openArray(enc)
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	hdr, hdrFile, err := copyHeader(ctx, ar, tmp)
	if err != nil {
		r.fail("array %s: %v", enc.UUID, err)
		return r, nil
	}
	r.LUKS = &hdr
	enc.LUKS = true
	if hdr.Version != 2 {
		r.fail("LUKS header of array %s: version %d, want 2", enc.UUID, hdr.Version)
	}
	log.Debug("luks header", "uuid", hdr.UUID, "cipher", hdr.Cipher)

	wrong := make([]byte, 32)
	_, _ = rand.Read(wrong)
	r.Key.Opens = testPassphrase(ctx, hdrFile, key, tmp) == nil
	r.Key.WrongRejected = testPassphrase(ctx, hdrFile, []byte(hex.EncodeToString(wrong)), tmp) != nil
	if !r.Key.Opens {
		r.fail("the host's key does not open the LUKS header of array %s", enc.UUID)
	}
	if !r.Key.WrongRejected {
		r.fail("a random wrong key opens the LUKS header of array %s", enc.UUID)
	}
	if len(opt.Files) == 0 || !r.Key.Opens {
		return r, nil
	}
	fs, err := decryptRoot(ctx, ar, hdrFile, hdr, key, tmp)
	if err != nil {
		r.fail("decrypt array %s: %v", enc.UUID, err)
		return r, nil
	}
	paths := make([]string, 0, len(opt.Files))
	for p := range opt.Files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		fc := checkFile(ctx, fs, p, opt.Files[p])
		if !fc.OK {
			r.fail("file %s: %s", p, fc.Reason)
		}
		r.Files = append(r.Files, fc)
	}
	return r, nil
}

func (r *Report) fail(format string, args ...any) {
	r.Errors = append(r.Errors, fmt.Sprintf(format, args...))
}
