package provider_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/racksmith/racksmith/provider/internal/testbed"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
)

// A failed install fails Create naming the stage, keeps the key in the
// partial state, and the next up (an Update of the init-failed resource)
// reinstalls with the same key.
func TestCreateInstallFailureThenRetry(t *testing.T) {
	var installs atomic.Int32
	r := newRig(t, func(mode string) testbed.Outcome {
		if mode == "install" && installs.Add(1) == 1 {
			return testbed.Outcome{FailStage: plan.StageRAID}
		}
		return testbed.Outcome{}
	})
	in := r.inputs(nil)
	resp, err := r.create(in)
	if resp.PartialState == nil || !strings.Contains(strings.Join(resp.PartialState.Reasons, " "), `stage "raid"`) {
		t.Fatalf("create of a failing install: err %v, partial state %+v; want init failure naming stage raid", err, resp.PartialState)
	}
	st, err := r.status()
	if err != nil || st.State != plan.StateFailed {
		t.Fatalf("boot server after failed install: %+v %v; want the intent kept, state failed", st.State, err)
	}
	olds := resp.Properties
	if str(olds, "installState") != plan.StateFailed || str(olds, "failedStage") != plan.StageRAID || olds.Get("luksKey").AsString() == "" {
		t.Fatalf("partial state: installState %q failedStage %q", str(olds, "installState"), str(olds, "failedStage"))
	}

	d, err := r.srv.Diff(p.DiffRequest{ID: testMAC, Urn: serverURN, State: olds, Inputs: r.check(in, olds)})
	if err != nil || !d.HasChanges || d.DetailedDiff["installState"].Kind != p.Update || len(d.DetailedDiff) != 1 {
		t.Fatalf("diff of a failed install with the same inputs: %+v %v; want an installState update", d, err)
	}
	upd, err := r.srv.Update(p.UpdateRequest{ID: testMAC, Urn: serverURN, State: olds, Inputs: r.check(in, olds)})
	if err != nil || upd.PartialState != nil {
		t.Fatalf("retry: %v %+v", err, upd.PartialState)
	}
	if str(upd.Properties, "installState") != plan.StateInstalled {
		t.Fatalf("retry: installState %q", str(upd.Properties, "installState"))
	}
	keys := r.host.Keys()
	if len(keys) != 2 || keys[0] != keys[1] || keys[1] != upd.Properties.Get("luksKey").AsString() {
		t.Fatalf("retry must reuse the key of the first attempt: %d keys fetched", len(keys))
	}
}

// A BMC that does not answer fails Create with a clear error before
// anything is registered at the boot server.
func TestCreateBMCUnreachable(t *testing.T) {
	r := newRig(t, nil)
	in := r.inputs(func(m map[string]any) {
		m["bmc"].(map[string]any)["port"] = testbed.FreeUDPPort(t)
	})
	resp, err := r.create(in)
	if err == nil || resp.PartialState != nil {
		t.Fatalf("create with a silent BMC: err %v partial %+v; want a plain error", err, resp.PartialState)
	}
	if !strings.Contains(err.Error(), "bmc unreachable") || strings.Contains(err.Error(), testPassword) {
		t.Fatalf("error %q: want it to say the BMC is unreachable, without the password", err)
	}
	if _, err := r.status(); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("boot server holds an intent after a failed create: %v", err)
	}
}

// An up interrupted after the install finished (state lost) adopts the
// installed host instead of reinstalling it.
func TestCreateResumesInstalledHost(t *testing.T) {
	r := newRig(t, nil)
	in := r.inputs(nil)
	if _, err := r.create(in); err != nil {
		t.Fatal(err)
	}
	calls := len(r.bmc.SetCalls())
	again, err := r.create(in)
	if err != nil {
		t.Fatalf("second create: %v", err)
	}
	if len(r.bmc.SetCalls()) != calls || len(r.host.Keys()) != 1 {
		t.Fatalf("second create reinstalled: BMC calls %q", r.bmc.SetCalls())
	}
	if str(again.Properties, "installState") != plan.StateInstalled || !again.Properties.Get("keyHeldByBootServerOnly").AsBool() {
		t.Fatalf("resumed state: %v", again.Properties)
	}
}

// An installer that never reports is cut at installTimeout; the state
// keeps the key and says installing.
func TestCreateTimeout(t *testing.T) {
	r := newRig(t, func(string) testbed.Outcome { return testbed.Outcome{Hang: true} })
	in := r.inputs(func(m map[string]any) { m["installTimeout"] = "2s" })
	resp, err := r.create(in)
	if resp.PartialState == nil || !strings.Contains(strings.Join(resp.PartialState.Reasons, " "), "timed out") {
		t.Fatalf("create of a hanging install: err %v partial %+v", err, resp.PartialState)
	}
	if str(resp.Properties, "installState") != plan.StateInstalling {
		t.Fatalf("installState %q", str(resp.Properties, "installState"))
	}
}

// A failed wipe fails Delete and quarantines the host.
func TestDeleteWipeFailureQuarantines(t *testing.T) {
	r := newRig(t, func(mode string) testbed.Outcome {
		if mode == "wipe" {
			return testbed.Outcome{FailStage: plan.StageWipe}
		}
		return testbed.Outcome{}
	})
	resp, err := r.create(r.inputs(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = r.srv.Delete(p.DeleteRequest{ID: resp.ID, Urn: serverURN, Properties: resp.Properties})
	if err == nil || !strings.Contains(err.Error(), "wipe failed") || !strings.Contains(err.Error(), "quarantined") {
		t.Fatalf("delete with a failing wipe: %v", err)
	}
	st, err := r.status()
	if err != nil || st.State != plan.StateQuarantine {
		t.Fatalf("boot server after failed wipe: %q %v", st.State, err)
	}
}

// A host that goes off in the middle of its wipe fails Delete within
// seconds, naming the stage, and is quarantined: left with its wipe intent
// it would wipe itself (or boot half-wiped) at some later PXE boot.
func TestDeleteHostPoweredOffMidWipeQuarantines(t *testing.T) {
	r := newRig(t, func(mode string) testbed.Outcome {
		if mode == "wipe" {
			return testbed.Outcome{Hang: true}
		}
		return testbed.Outcome{}
	})
	resp, err := r.create(r.inputs(func(m map[string]any) { m["installTimeout"] = "2m" }))
	if err != nil {
		t.Fatal(err)
	}
	go func() { // pull the cord once the wipe has reported a stage
		for len(r.host.Boots()) < 2 {
			time.Sleep(50 * time.Millisecond)
		}
		r.bmc.SetOn(false)
	}()
	start := time.Now()
	err = r.srv.Delete(p.DeleteRequest{ID: resp.ID, Urn: serverURN, Properties: resp.Properties})
	took := time.Since(start)
	if err == nil || took > time.Minute {
		t.Fatalf("delete of a host powered off mid-wipe: %v after %s; want a failure well before the 2m timeout", err, took)
	}
	for _, want := range []string{"waiting for the wipe", "powered off", `stage "wipe"`, "quarantined"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("delete error %q lacks %q", err, want)
		}
	}
	if st, err := r.status(); err != nil || st.State != plan.StateQuarantine {
		t.Fatalf("boot server after a wipe cut by a power loss: %q %v; want quarantined", st.State, err)
	}
}

// A delete that fails before the wipe intent is registered (the BMC does
// not answer) leaves the host as it was: installed, not quarantined.
func TestDeleteBMCUnreachableLeavesHostInService(t *testing.T) {
	r := newRig(t, nil)
	resp, err := r.create(r.inputs(nil))
	if err != nil {
		t.Fatal(err)
	}
	props := resp.Properties
	silent := props.Get("bmc").AsMap().Set("port", property.New(float64(testbed.FreeUDPPort(t))))
	props = props.Set("bmc", property.New(silent).WithSecret(props.Get("bmc").Secret()))
	err = r.srv.Delete(p.DeleteRequest{ID: resp.ID, Urn: serverURN, Properties: props})
	if err == nil || !strings.Contains(err.Error(), "bmc unreachable") || strings.Contains(err.Error(), "quarantined") {
		t.Fatalf("delete with a silent BMC: %v; want a plain bmc unreachable error", err)
	}
	if st, err := r.status(); err != nil || st.State != plan.StateInstalled {
		t.Fatalf("boot server after a delete that never started: %q %v; want installed", st.State, err)
	}
}

// Check names the input that is wrong.
func TestCheckNamesField(t *testing.T) {
	r := newRig(t, nil)
	chk, err := r.srv.Check(p.CheckRequest{Urn: serverURN, State: property.Map{}, Inputs: r.inputs(func(m map[string]any) {
		m["mac"] = "52:54:00:AA:00:01"
	})})
	if err != nil || len(chk.Failures) != 1 || chk.Failures[0].Property != "mac" {
		t.Fatalf("check of an uppercase mac: %v %+v", err, chk.Failures)
	}
}

// An up interrupted while the installer runs (here: cut by installTimeout)
// resumes on the next up: the Update waits for the running install instead
// of booting the host again.
func TestUpdateResumesRunningInstall(t *testing.T) {
	r := newRig(t, func(string) testbed.Outcome { return testbed.Outcome{Delay: 4 * time.Second} })
	resp, _ := r.create(r.inputs(func(m map[string]any) { m["installTimeout"] = "1s" }))
	if resp.PartialState == nil || str(resp.Properties, "installState") != plan.StateInstalling {
		t.Fatalf("create cut by its timeout: partial %+v state %q", resp.PartialState, str(resp.Properties, "installState"))
	}
	calls := len(r.bmc.SetCalls())
	in := r.inputs(nil)
	upd, err := r.srv.Update(p.UpdateRequest{ID: testMAC, Urn: serverURN, State: resp.Properties, Inputs: r.check(in, resp.Properties)})
	if err != nil || upd.PartialState != nil || str(upd.Properties, "installState") != plan.StateInstalled {
		t.Fatalf("resume: %v %+v %q", err, upd.PartialState, str(upd.Properties, "installState"))
	}
	if len(r.bmc.SetCalls()) != calls { // reads are not set calls: any set call is a second boot
		t.Fatalf("resume booted the host again: %q", r.bmc.SetCalls()[calls:])
	}
	if len(r.host.Keys()) != 1 || len(r.host.Boots()) != 1 {
		t.Fatalf("resume reinstalled: %d keys, %d boots", len(r.host.Keys()), len(r.host.Boots()))
	}
}
