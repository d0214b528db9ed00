package store

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

// The recovery passphrase is sealed like the key, handed out once with the
// install token and then dropped: it is never in the state file in plain
// text, and not at all once the installer has it.
func TestRecoveryKeyOnceThenDropped(t *testing.T) {
	s, path := openTemp(t)
	const key, recovery = "luks-key-8d1f", "recovery-passphrase-DO-NOT-LEAK-77a2"
	in := testIntent(key)
	if _, err := s.PutIntent(testMAC, in, false); err != nil {
		t.Fatal(err)
	}
	in.Plan.Encryption.Recovery = true
	if _, err := s.PutIntent(testMAC, in, false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("recovery keyslot without a recovery key: %v", err)
	}
	in.RecoveryKey = recovery
	before := IntentHash(in)
	if r, err := s.PutIntent(testMAC, in, false); err != nil || !r.Reset {
		t.Fatalf("put: %+v %v", r, err)
	}
	other := in
	other.RecoveryKey = recovery + "x"
	if IntentHash(other) == before {
		t.Fatal("a changed recovery key must change the intent hash")
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(recovery)) {
		t.Fatal("state file holds the recovery passphrase in plain text")
	}
	b, err := s.BootFor(testMAC, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AgentPlan(b.Token); err != nil {
		t.Fatal(err)
	}
	if mac, got, err := s.AgentRecoveryKey(b.Token); err != nil || got != recovery || mac != testMAC {
		t.Fatalf("recovery key: %q %q %v", mac, got, err)
	}
	if _, _, err := s.AgentRecoveryKey(b.Token); !errors.Is(err, ErrNoKey) {
		t.Fatalf("second recovery fetch: %v", err)
	}
	if _, got, err := s.AgentKey(b.Token); err != nil || got != key {
		t.Fatalf("key after the recovery key: %q %v", got, err)
	}
	s.Close()
	raw, _ = os.ReadFile(path)
	if bytes.Contains(raw, []byte(recovery)) || bytes.Contains(raw, []byte("sealed_recovery")) {
		t.Fatal("state file still holds the recovery passphrase after the installer took it")
	}
}

// A host whose key source is tang is unlocked by its Tang servers: the boot
// server refuses to hand out its key at boot even to its unlock token.
func TestUnlockRefusedForTang(t *testing.T) {
	s, _ := openTemp(t)
	in := testIntent("luks-key")
	in.Plan.Encryption = plan.Encryption{KeySource: "tang", Tang: []string{"http://192.0.2.1:7500"}}
	if _, err := s.PutIntent(testMAC, in, false); err != nil {
		t.Fatal(err)
	}
	b, _ := s.BootFor(testMAC, false)
	_, p, err := s.AgentPlan(b.Token)
	if err != nil || p.Unlock.Token == "" {
		t.Fatalf("plan: %+v %v", p.Unlock, err)
	}
	if _, got, err := s.AgentKey(b.Token); err != nil || got != "luks-key" {
		t.Fatalf("install key: %v", err)
	}
	if _, k, err := s.Unlock(p.Unlock.Token); !errors.Is(err, ErrWrongState) || k != "" {
		t.Fatalf("unlock of a tang host: %q %v", k, err)
	}
}
