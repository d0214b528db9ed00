package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

const testMAC = "52:54:00:12:34:56"

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func testIntent(key string) plan.Intent {
	return plan.Intent{Mode: plan.ModeInstall, Key: key, Plan: &plan.Plan{
		Hostname: "mx1", MAC: "52-54-00-12-34-56", Mode: plan.ModeInstall,
		Encryption: plan.Encryption{KeySource: "bootserver"},
	}}
}

func TestPutIntentIdempotent(t *testing.T) {
	s, _ := openTemp(t)
	r, err := s.PutIntent(testMAC, testIntent("k1"), false)
	if err != nil || !r.Reset || r.Status.State != plan.StatePending {
		t.Fatalf("first put: %+v %v", r, err)
	}
	b, _ := s.BootFor(testMAC, false)
	if _, _, err := s.AgentPlan(b.Token); err != nil {
		t.Fatal(err)
	}
	if _, st, err := s.Finish(b.Token, plan.Result{OK: true, Stage: plan.StageDone}); err != nil || st.State != plan.StateInstalled {
		t.Fatalf("finish: %+v %v", st, err)
	}
	r, err = s.PutIntent(testMAC, testIntent("k1"), false)
	if err != nil || r.Reset || r.Status.State != plan.StateInstalled {
		t.Fatalf("same intent must not reset an installed host: %+v %v", r, err)
	}
	r, _ = s.PutIntent(testMAC, testIntent("k2"), false)
	if !r.Reset || r.Status.State != plan.StatePending {
		t.Fatalf("changed key must reset: %+v", r)
	}
	r, _ = s.PutIntent(testMAC, testIntent("k2"), true)
	if !r.Reset {
		t.Fatalf("reinstall must reset: %+v", r)
	}
	if _, err := s.PutIntent(testMAC, plan.Intent{Mode: "bogus"}, false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad mode: %v", err)
	}
	in := testIntent("k")
	in.Plan.MAC = "52:54:00:00:00:01"
	if _, err := s.PutIntent(testMAC, in, false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("plan.mac mismatch: %v", err)
	}
}

func TestKeyOnceAndSealedAtRest(t *testing.T) {
	s, path := openTemp(t)
	const key = "luks-passphrase-DO-NOT-LEAK-8d1f"
	const roleSecret = "replication-password-IN-A-ROLE-FILE"
	in := testIntent(key)
	in.Plan.Files = []plan.File{{Path: "/etc/mysql/repl.cnf", Mode: 0o600, Content: []byte(roleSecret)}}
	in.Plan.Unlock.Token = "client-chosen-unlock-token"
	if _, err := s.PutIntent(testMAC, in, false); err != nil {
		t.Fatal(err)
	}
	b, err := s.BootFor(testMAC, false)
	if err != nil || b.Kind != BootInstall || len(b.Token) != 64 {
		t.Fatalf("boot: %+v %v", b, err)
	}
	_, p, err := s.AgentPlan(b.Token)
	if err != nil || len(p.Unlock.Token) != 64 || len(p.Files) != 1 || string(p.Files[0].Content) != roleSecret || p.Hostname != "mx1" {
		t.Fatalf("plan: %+v %v", p, err)
	}
	mac, got, err := s.AgentKey(b.Token)
	if err != nil || got != key || mac != testMAC {
		t.Fatalf("key: %q %q %v", mac, got, err)
	}
	if mac, _, err := s.AgentKey(b.Token); !errors.Is(err, ErrKeyFetched) || mac != testMAC {
		t.Fatalf("second key fetch: %q %v", mac, err)
	}
	if _, _, err := s.AgentKey("00" + b.Token[2:]); !errors.Is(err, ErrBadToken) {
		t.Fatalf("forged token: %v", err)
	}
	if _, _, err := s.AgentKey(p.Unlock.Token); !errors.Is(err, ErrBadToken) {
		t.Fatalf("unlock token must not fetch the install key: %v", err)
	}
	_, k, err := s.Unlock(p.Unlock.Token)
	if err != nil || k != key {
		t.Fatalf("unlock: %q %v", k, err)
	}
	s.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{key, b.Token, p.Unlock.Token, roleSecret, "client-chosen-unlock-token"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("state file holds a secret in plain text: %.8s…", secret)
		}
	}
	fi, err := os.Stat(path + ".seal")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("seal key file: %v %v", fi, err)
	}
}

func TestRestartMidInstall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.PutIntent(testMAC, testIntent("k"), false)
	b, _ := s.BootFor(testMAC, false)
	_, p, _ := s.AgentPlan(b.Token)
	s.AddEvent(b.Token, plan.Event{Stage: plan.StageRAID, Percent: 30})
	s.Close()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := s.Status(testMAC)
	if st.State != plan.StateInstalling || st.Stage != plan.StageRAID || len(st.Events) != 1 {
		t.Fatalf("after restart: %+v", st)
	}
	if _, err := s.AddEvent(b.Token, plan.Event{Stage: plan.StageLUKS, Percent: 50}); err != nil {
		t.Fatalf("install token after restart: %v", err)
	}
	if _, k, err := s.AgentKey(b.Token); err != nil || k != "k" {
		t.Fatalf("key after restart: %v", err)
	}
	if _, st, _ := s.Finish(b.Token, plan.Result{OK: true}); st.State != plan.StateInstalled {
		t.Fatalf("finish: %+v", st)
	}
	if _, err := s.AddEvent(b.Token, plan.Event{}); !errors.Is(err, ErrBadToken) {
		t.Fatalf("install token must be revoked after the result: %v", err)
	}
	if nb, _ := s.BootFor(testMAC, false); nb.Kind != BootLocal || nb.Token != "" {
		t.Fatalf("next boot: %+v", nb)
	}
	if _, err := s.Booted(p.Unlock.Token, plan.Event{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Status(testMAC); st.State != plan.StateBooted {
		t.Fatalf("booted: %+v", st)
	}
}

func TestWipeDestroysKey(t *testing.T) {
	s, _ := openTemp(t)
	s.PutIntent(testMAC, testIntent("k"), false)
	b, _ := s.BootFor(testMAC, false)
	_, p, _ := s.AgentPlan(b.Token)
	s.Finish(b.Token, plan.Result{OK: true})
	if _, err := s.PutIntent(testMAC, plan.Intent{Mode: plan.ModeWipe}, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Unlock(p.Unlock.Token); !errors.Is(err, ErrBadToken) {
		t.Fatalf("unlock after wipe intent: %v", err)
	}
	w, _ := s.BootFor(testMAC, false)
	if w.Kind != BootWipe {
		t.Fatalf("wipe boot: %+v", w)
	}
	if _, st, _ := s.Finish(w.Token, plan.Result{OK: false, Stage: plan.StageWipe}); st.State != plan.StateQuarantine {
		t.Fatalf("failed wipe must quarantine: %+v", st)
	}
	if nb, _ := s.BootFor(testMAC, false); nb.Kind != BootNone {
		t.Fatalf("quarantined boot: %+v", nb)
	}
}

func TestDiscovery(t *testing.T) {
	s, _ := openTemp(t)
	if b, _ := s.BootFor(testMAC, false); b.Kind != BootNone {
		t.Fatalf("unknown without discovery: %+v", b)
	}
	if l, _ := s.List(); len(l) != 0 {
		t.Fatalf("a refused unknown host must leave no record: %+v", l)
	}
	b, _ := s.BootFor(testMAC, true)
	if b.Kind != BootDiscover || b.Token == "" {
		t.Fatalf("discover: %+v", b)
	}
	if _, _, err := s.AgentPlan(b.Token); !errors.Is(err, ErrBadToken) {
		t.Fatalf("discovery token must not fetch a plan: %v", err)
	}
	if _, err := s.Facts(b.Token, plan.Facts{MAC: "52:54:00:FF:FF:FF"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("facts for another mac: %v", err)
	}
	if _, err := s.Facts(b.Token, plan.Facts{Serial: "S1", Disks: []plan.DiskFact{{Path: "/dev/vda", SizeBytes: 1 << 30}}}); err != nil {
		t.Fatal(err)
	}
	l, _ := s.List()
	if len(l) != 1 || l[0].State != plan.StateDiscovered || l[0].Facts.Serial != "S1" {
		t.Fatalf("list: %+v", l)
	}
}

func TestSealKeyAndLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	os.WriteFile(path+".seal", []byte("00\n"), 0o644)
	if _, err := Open(path, Options{}); !errors.Is(err, ErrSealKey) {
		t.Fatalf("open key file: %v", err)
	}
	os.Chmod(path+".seal", 0o600)
	if _, err := Open(path, Options{}); !errors.Is(err, ErrSealKey) {
		t.Fatalf("short key: %v", err)
	}
	os.Remove(path + ".seal")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(path, Options{LockTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("a second open of a held state file: %v", err)
	}
}

func TestNormalizeMAC(t *testing.T) {
	for _, in := range []string{"52:54:00:12:34:56", "52-54-00-12-34-56", "525400123456", "5254.0012.3456", " 52:54:00:12:34:56 ", "52:54:00:12:34:56"} {
		got, err := NormalizeMAC(in)
		if err != nil || got != testMAC {
			t.Errorf("NormalizeMAC(%q) = %q, %v", in, got, err)
		}
	}
	if got, _ := NormalizeMAC("52:54:00:AB:CD:EF"); got != "52:54:00:ab:cd:ef" {
		t.Errorf("uppercase: %q", got)
	}
	for _, in := range []string{"", "zz:54:00:12:34:56", "52:54:00:12:34", "00:00:00:00:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:00", "../../etc"} {
		if _, err := NormalizeMAC(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("NormalizeMAC(%q) accepted", in)
		}
	}
}
