package lab

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// passwordLen fits IPMI 1.5's 16-byte password field.
const passwordLen = 16

const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// PasswordFile is where the lab keeps its generated BMC password (0600).
func PasswordFile(runDir string) string { return filepath.Join(runDir, filePassword) }

// Password reads the lab's BMC password, as `racksmith up` does to set the
// Pulumi secret racksmith:bmcPassword.
func Password(runDir string) (string, error) {
	b, err := os.ReadFile(PasswordFile(runDir))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w: no BMC password at %s (run racksmith lab up)", ErrNotUp, PasswordFile(runDir))
	}
	if err != nil {
		return "", fmt.Errorf("read lab bmc password: %w", err)
	}
	pw := strings.TrimSpace(string(b))
	if len(pw) == 0 || len(pw) > passwordLen {
		return "", fmt.Errorf("lab bmc password in %s: want 1..%d characters", PasswordFile(runDir), passwordLen)
	}
	return pw, nil
}

// ensurePassword returns the lab's BMC password, generating it on first
// use. It is kept across up and down so stack config stays valid.
func ensurePassword(runDir string) (string, error) {
	if pw, err := Password(runDir); err == nil {
		return pw, nil
	} else if !errors.Is(err, ErrNotUp) {
		return "", err
	}
	var b strings.Builder
	for i := 0; i < passwordLen; i++ {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(passwordAlphabet))))
		if err != nil {
			return "", fmt.Errorf("generate bmc password: %w", err)
		}
		b.WriteByte(passwordAlphabet[n.Int64()])
	}
	if err := writeFileAtomic(PasswordFile(runDir), []byte(b.String()+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write bmc password: %w", err)
	}
	return b.String(), nil
}

// APIToken reads the boot servers' provisioning API token of the lab
// (RUN-DIR/api-token, written at lab up).
func APIToken(runDir string) (string, error) {
	p := filepath.Join(runDir, FileAPIToken)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w: no API token at %s (run racksmith lab up)", ErrNotUp, p)
	}
	if err != nil {
		return "", fmt.Errorf("read lab api token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
