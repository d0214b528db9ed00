package provider_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/racksmith/racksmith/provider/internal/testbed"
	"github.com/racksmith/racksmith/pxe/plan"
)

// A host that loses its power while the installer runs fails Create within
// seconds (not at installTimeout), naming the last stage reported; the
// next up does not wait for the dead attempt but boots a new one.
func TestCreateHostPoweredOffMidInstall(t *testing.T) {
	var installs atomic.Int32
	r := newRig(t, func(mode string) testbed.Outcome {
		if mode == "install" && installs.Add(1) == 1 {
			return testbed.Outcome{Hang: true}
		}
		return testbed.Outcome{}
	})
	go func() { // pull the cord once the installer has reported a stage
		for len(r.host.Boots()) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
		r.bmc.SetOn(false)
	}()
	in := r.inputs(func(m map[string]any) { m["installTimeout"] = "2m" })
	start := time.Now()
	resp, err := r.create(in)
	took := time.Since(start)
	if resp.PartialState == nil {
		t.Fatalf("create of a host powered off mid-install: err %v, no partial state", err)
	}
	reasons := strings.Join(resp.PartialState.Reasons, " ")
	if !strings.Contains(reasons, "powered off") || !strings.Contains(reasons, `stage "raid"`) || took > time.Minute {
		t.Fatalf("create after %s: %q; want a power-off failure naming stage raid well before the 2m timeout", took, reasons)
	}
	olds := resp.Properties
	if str(olds, "installState") != plan.StateFailed || str(olds, "failedStage") != plan.StageRAID {
		t.Fatalf("partial state: installState %q failedStage %q", str(olds, "installState"), str(olds, "failedStage"))
	}
	if st, err := r.status(); err != nil || st.State != plan.StateInstalling {
		t.Fatalf("boot server after the power loss: %q %v; want the dead attempt still installing", st.State, err)
	}

	upd, err := r.srv.Update(p.UpdateRequest{ID: testMAC, Urn: serverURN, State: olds, Inputs: r.check(in, olds)})
	if err != nil || upd.PartialState != nil || str(upd.Properties, "installState") != plan.StateInstalled {
		t.Fatalf("next up: %v %+v %q", err, upd.PartialState, str(upd.Properties, "installState"))
	}
	if boots := r.host.Boots(); len(boots) != 2 || boots[1].Mode != "install" {
		t.Fatalf("next up: boots %+v; want a second install boot", boots)
	}
}
