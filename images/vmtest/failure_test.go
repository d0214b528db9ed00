package vmtest

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// TestInstallRefusesDiskMismatch: a plan naming a disk the machine does not
// have fails at the plan stage with an error naming the disk, before the key
// is fetched or any disk is written, and the VM powers off.
func TestInstallRefusesDiskMismatch(t *testing.T) {
	l := newLab(t)
	v := l.newVM("web1", "52:54:00:1a:00:30", 2, 256)
	p := labPlan(t, l, v, 1)
	p.Disks[1].Serial = "RS-NOT-THERE"
	if _, err := l.st.PutIntent(v.mac, plan.Intent{Mode: plan.ModeInstall, Plan: p, Key: randomKey(t)}, false); err != nil {
		t.Fatal(err)
	}
	serial, _ := l.boot(v, false, 180*time.Second, nil)
	st := l.status(v.mac)
	if st.State != plan.StateFailed || st.Result == nil || st.Result.OK {
		t.Fatalf("state %s result %+v, want failed\nserial:\n%s", st.State, st.Result, tail(serial, 6000))
	}
	r := st.Result
	if r.Stage != plan.StagePlan || !strings.Contains(r.Error, `disk "d1": no disk with serial "RS-NOT-THERE"`) {
		t.Errorf("result stage %q error %q", r.Stage, r.Error)
	}
	for _, d := range v.disks {
		if out, err := exec.Command("sfdisk", "--json", d).CombinedOutput(); err == nil {
			t.Errorf("%s was partitioned although the plan was refused: %s", d, out)
		}
	}
	t.Logf("refused: %s", r.Error)
}
