package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

func file(path, content string) plan.File {
	sum := sha256.Sum256([]byte(content))
	return plan.File{Path: path, Mode: 0o644, Content: []byte(content), SHA256: hex.EncodeToString(sum[:])}
}

// An installed host booting from its disks takes the current plan's role
// files with its unlock token (never with another kind of token): after a
// boot-from-disk intent with changed files it gets the new files and the
// paths the plan dropped, and its report becomes the status's Delivered
// and the new set of files on its disks. A new intent clears Delivered.
func TestBootPlanAndDelivery(t *testing.T) {
	s, _ := openTemp(t)
	in := testIntent("k1")
	in.Plan.Files = []plan.File{file("/etc/a.conf", "a1"), file("/etc/b.conf", "b1")}
	if _, err := s.PutIntent(testMAC, in, false); err != nil {
		t.Fatal(err)
	}
	b, _ := s.BootFor(testMAC, false)
	_, p, err := s.AgentPlan(b.Token)
	if err != nil {
		t.Fatal(err)
	}
	installed := map[string]string{"/etc/a.conf": in.Plan.Files[0].SHA256, "/etc/b.conf": in.Plan.Files[1].SHA256}
	if _, _, err := s.Finish(b.Token, plan.Result{OK: true, Stage: plan.StageDone, FileSums: installed}); err != nil {
		t.Fatal(err)
	}
	unlock := p.Unlock.Token
	if _, _, err := s.BootPlan(b.Token); !errors.Is(err, ErrBadToken) {
		t.Fatalf("boot plan with the (spent) install token: %v", err)
	}

	// a new boot-from-disk plan: a.conf changed, b.conf dropped, hostname changed
	local := *in.Plan
	local.Mode, local.Hostname = plan.ModeLocal, "mx1b"
	local.Files = []plan.File{file("/etc/a.conf", "a2"), file("/etc/c.conf", "c2")}
	if _, err := s.PutIntent(testMAC, plan.Intent{Mode: plan.ModeLocal, Plan: &local}, false); err != nil {
		t.Fatal(err)
	}
	mac, bp, err := s.BootPlan(unlock)
	if err != nil || mac != testMAC {
		t.Fatalf("boot plan: %q %v", mac, err)
	}
	if bp.Hostname != "mx1b" || len(bp.Files) != 2 || string(bp.Files[0].Content) != "a2" || !slices.Equal(bp.Remove, []string{"/etc/b.conf"}) {
		t.Fatalf("boot plan: %+v", bp)
	}
	if _, key, err := s.Unlock(unlock); err != nil || key != "k1" {
		t.Fatalf("a boot-from-disk intent without a key keeps unlocking with the installed one: %q %v", key, err)
	}

	sums := map[string]string{"/etc/a.conf": local.Files[0].SHA256, "/etc/c.conf": local.Files[1].SHA256}
	if _, err := s.Delivered(unlock, plan.Delivery{Hostname: "mx1b", FileSums: sums, Removed: bp.Remove}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Status(testMAC)
	if err != nil || st.Delivered == nil || !maps.Equal(st.Delivered.FileSums, sums) || st.Delivered.Time.IsZero() {
		t.Fatalf("status after delivery: %+v %v", st.Delivered, err)
	}
	if last := st.Events[len(st.Events)-1]; last.Stage != StageDelivered {
		t.Fatalf("last event %+v, want %s", last, StageDelivered)
	}
	// the disks now hold a2 and c2: a plan without c.conf removes it
	local.Files = []plan.File{file("/etc/a.conf", "a3")}
	if _, err := s.PutIntent(testMAC, plan.Intent{Mode: plan.ModeLocal, Plan: &local}, false); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Status(testMAC); st.Delivered != nil {
		t.Fatalf("a new intent keeps an old delivery: %+v", st.Delivered)
	}
	if _, bp, _ := s.BootPlan(unlock); !slices.Equal(bp.Remove, []string{"/etc/c.conf"}) {
		t.Fatalf("remove after a delivery: %v", bp.Remove)
	}

	for _, bad := range []map[string]string{{"etc/x": sums["/etc/a.conf"]}, {"/etc/../x": sums["/etc/a.conf"]}, {"/etc/x": "short"}} {
		if _, err := s.Delivered(unlock, plan.Delivery{FileSums: bad}); !errors.Is(err, ErrInvalid) {
			t.Errorf("delivery report %v: %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := s.Delivered("not-a-token", plan.Delivery{}); !errors.Is(err, ErrBadToken) {
		t.Errorf("delivery report with a bad token: %v", err)
	}
}
