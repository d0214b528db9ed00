package provider_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/racksmith/racksmith/provider"
	"github.com/racksmith/racksmith/provider/bmc"
	"github.com/racksmith/racksmith/provider/internal/testbed"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
)

const (
	testToken    = "api-token-6f1e2d3c4b5a69788796a5b4c3d2e1f0"
	testPassword = "Bmc-Pass-8c1f44e0d2"
	testMAC      = "52:54:00:aa:00:01"
)

var serverURN = resource.NewURN("test", "racksmith", "", "racksmith:index:Server", "mx1")

// rig is one server's real parts: ipmi_sim BMC, boot server, simulated host,
// and the provider in-process behind the integration server.
type rig struct {
	t    *testing.T
	bmc  *testbed.BMC
	boot *testbed.BootServer
	host *testbed.Host
	srv  integration.Server
	api  *client.Client
}

func newRig(t *testing.T, next func(mode string) testbed.Outcome) *rig {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: needs ipmi_sim and ipmitool (make test runs it)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &rig{t: t, bmc: testbed.StartBMC(t, testPassword), boot: testbed.StartBootServer(t, testToken)}
	r.host = &testbed.Host{MAC: testMAC, BMC: r.bmc, Boot: r.boot, Next: next}
	go r.host.Run(ctx)
	prov, err := provider.New(provider.Deps{
		PollInterval: 50 * time.Millisecond,
		Log:          slog.New(slog.DiscardHandler),
		BMC: func(ep bmc.Endpoint, log *slog.Logger) (provider.BMC, error) {
			ep.Timeout, ep.Retries = 3*time.Second, -1
			return bmc.New(ep, log), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.srv, err = integration.NewServer(ctx, provider.Name, semver.MustParse(provider.Version), integration.WithProvider(prov))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.srv.Configure(p.ConfigureRequest{Args: property.NewMap(map[string]property.Value{
		"apiToken": property.New(testToken).WithSecret(true),
	})}); err != nil {
		t.Fatalf("configure: %v", err)
	}
	if r.api, err = client.New(r.boot.URL, testToken, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// inputs are mx1's inputs; mod edits the raw map first.
func (r *rig) inputs(mod func(m map[string]any)) property.Map {
	ep := r.bmc.Endpoint
	m := map[string]any{
		"hostname": "mx1", "site": "fra1", "mac": testMAC,
		"address": "10.11.0.21/24", "gateway": "10.11.0.1",
		"bmc": map[string]any{"address": ep.Address, "port": ep.Port, "protocol": "ipmi",
			"username": "admin", "password": testPassword},
		"bootServerUrl": r.boot.URL,
		"image":         map[string]any{"name": "busybox-root", "url": r.boot.URL + "/files/os/busybox-root.tar.gz"},
		"storage": map[string]any{"raidLevel": 1,
			"disks":      []any{map[string]any{"name": "a", "path": "/dev/vda"}, map[string]any{"name": "b", "path": "/dev/vdb"}},
			"encryption": map[string]any{"pbkdf": "pbkdf2", "pbkdfIter": 1000}},
		"files":          []any{map[string]any{"path": "/etc/postfix/main.cf", "content": "myhostname = mx1\n"}},
		"installTimeout": "30s",
	}
	if mod != nil {
		mod(m)
	}
	pm := resource.NewPropertyMapFromMap(m)
	if b, ok := pm["bmc"]; ok && b.IsObject() {
		b.ObjectValue()["password"] = resource.MakeSecret(b.ObjectValue()["password"])
	}
	return resource.FromResourcePropertyMap(pm)
}

func (r *rig) check(in property.Map, olds property.Map) property.Map {
	r.t.Helper()
	chk, err := r.srv.Check(p.CheckRequest{Urn: serverURN, State: olds, Inputs: in})
	if err != nil || len(chk.Failures) > 0 {
		r.t.Fatalf("check: %v %v", err, chk.Failures)
	}
	return chk.Inputs
}

func (r *rig) create(in property.Map) (p.CreateResponse, error) {
	r.t.Helper()
	return r.srv.Create(p.CreateRequest{Urn: serverURN, Properties: r.check(in, property.Map{})})
}

func (r *rig) status() (plan.Status, error) {
	return r.api.GetHost(context.Background(), testMAC)
}

func str(m property.Map, k string) string {
	v := m.Get(k)
	if v.IsString() {
		return v.AsString()
	}
	return ""
}

func TestServerLifecycle(t *testing.T) {
	r := newRig(t, nil)
	in := r.inputs(nil)

	// Preview contacts neither the BMC nor the boot server.
	if _, err := r.srv.Create(p.CreateRequest{Urn: serverURN, Properties: r.check(in, property.Map{}), DryRun: true}); err != nil {
		t.Fatalf("preview create: %v", err)
	}
	if calls := r.bmc.SetCalls(); len(calls) != 0 {
		t.Fatalf("preview reached the BMC: %q", calls)
	}
	if _, err := r.status(); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("preview reached the boot server: status err %v", err)
	}

	created, err := r.create(in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	out := created.Properties
	if created.ID != testMAC || str(out, "installState") != plan.StateInstalled || str(out, "powerState") != "on" {
		t.Fatalf("create: id %q installState %q powerState %q", created.ID, str(out, "installState"), str(out, "powerState"))
	}
	if got := strings.Join(r.bmc.SetCalls(), "|"); got != "set boot pxe|set power 1" {
		t.Fatalf("BMC calls: %q, want one-time pxe then power on", got)
	}
	key := out.Get("luksKey")
	if !key.Secret() || len(r.host.Keys()) != 1 || r.host.Keys()[0] != key.AsString() || len(key.AsString()) < 40 {
		t.Fatalf("luksKey: secret %v, installer fetched %d keys, want the output key", key.Secret(), len(r.host.Keys()))
	}
	if pw := out.Get("bmc").AsMap().Get("password"); !pw.Secret() && !out.Get("bmc").Secret() {
		t.Fatalf("bmc password not secret in state")
	}
	if str(out, "luksUuid") == "" || str(out, "installedImage") != "busybox-root" || str(out, "installedAt") == "" {
		t.Fatalf("outputs missing: luksUuid %q image %q at %q", str(out, "luksUuid"), str(out, "installedImage"), str(out, "installedAt"))
	}
	if errs := r.host.Errors(); len(errs) > 0 {
		t.Fatalf("host side: %v", errs)
	}

	// Diff: each input change is classified.
	cases := []struct {
		field   string
		mod     func(m map[string]any)
		kind    p.DiffKind
		replace bool
	}{
		{"files", func(m map[string]any) {
			m["files"] = []any{map[string]any{"path": "/etc/postfix/main.cf", "content": "myhostname = mx1.example\n"}}
		}, p.Update, false},
		{"hostname", func(m map[string]any) { m["hostname"] = "mx1b" }, p.Update, false},
		{"image", func(m map[string]any) { m["image"].(map[string]any)["name"] = "debian-12" }, p.UpdateReplace, true},
		{"storage", func(m map[string]any) { m["storage"].(map[string]any)["raidLevel"] = 10 }, p.UpdateReplace, true},
		{"mac", func(m map[string]any) { m["mac"] = "52:54:00:aa:00:99" }, p.UpdateReplace, true},
	}
	for _, c := range cases {
		d, err := r.srv.Diff(p.DiffRequest{ID: created.ID, Urn: serverURN, State: out, Inputs: r.check(r.inputs(c.mod), out)})
		if err != nil {
			t.Fatalf("diff %s: %v", c.field, err)
		}
		if !d.HasChanges || len(d.DetailedDiff) != 1 || d.DetailedDiff[c.field].Kind != c.kind || (c.replace && !d.DeleteBeforeReplace) {
			t.Errorf("diff %s: %+v, want only %s %s", c.field, d, c.field, c.kind)
		}
	}
	if d, err := r.srv.Diff(p.DiffRequest{ID: created.ID, Urn: serverURN, State: out, Inputs: r.check(in, out)}); err != nil || d.HasChanges {
		t.Fatalf("diff of unchanged inputs: %+v %v", d, err)
	}

	// Update of role files: preview touches nothing; the update registers
	// the new plan as boot-from-disk and reboots the host (no PXE, no new
	// key, no reinstall), whose initramfs lays the files down and reports
	// them; filesDelivered is what it reported.
	newFiles := r.inputs(cases[0].mod)
	calls := len(r.bmc.SetCalls())
	if _, err := r.srv.Update(p.UpdateRequest{ID: created.ID, Urn: serverURN, State: out, Inputs: r.check(newFiles, out), DryRun: true}); err != nil {
		t.Fatalf("preview update: %v", err)
	}
	if len(r.bmc.SetCalls()) != calls {
		t.Fatalf("preview of an update reached the BMC: %q", r.bmc.SetCalls()[calls:])
	}
	before, _ := r.status()
	upd, err := r.srv.Update(p.UpdateRequest{ID: created.ID, Urn: serverURN, State: out, Inputs: r.check(newFiles, out)})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	after, _ := r.status()
	if before.PlanHash == after.PlanHash || after.Mode != plan.ModeLocal {
		t.Fatalf("update did not re-register the plan as boot-from-disk: mode %s", after.Mode)
	}
	for _, c := range r.bmc.SetCalls()[calls:] {
		if c == "set boot pxe" {
			t.Fatalf("update set a PXE boot (a reinstall): %q", r.bmc.SetCalls()[calls:])
		}
	}
	if len(r.host.Keys()) != 1 {
		t.Fatalf("update fetched a LUKS key again: a reinstall")
	}
	boots := r.host.Boots()
	last := boots[len(boots)-1]
	want := map[string]string{}
	for _, f := range newFiles.Get("files").AsArray().AsSlice() {
		o := f.AsMap()
		sum := sha256.Sum256([]byte(o.Get("content").AsString()))
		want[o.Get("path").AsString()] = hex.EncodeToString(sum[:])
	}
	if last.Mode != "disk" || last.Delivered == nil || !maps.Equal(last.Delivered.FileSums, want) {
		t.Fatalf("update: last boot %+v, want a boot from disk laying down %v", last, want)
	}
	out = upd.Properties
	got := map[string]string{}
	for k, v := range out.Get("filesDelivered").AsMap().All {
		got[k] = v.AsString()
	}
	if !maps.Equal(got, want) {
		t.Fatalf("filesDelivered after the update: %v, want the delivered %v", got, want)
	}
	// the same update again (an up interrupted after the reboot) does not reboot
	calls = len(r.bmc.SetCalls())
	if _, err := r.srv.Update(p.UpdateRequest{ID: created.ID, Urn: serverURN, State: out, Inputs: r.check(newFiles, out)}); err != nil {
		t.Fatalf("update again: %v", err)
	}
	if n := len(r.bmc.SetCalls()); n != calls {
		t.Fatalf("an update of a host that has the files rebooted it: %q", r.bmc.SetCalls()[calls:])
	}

	// Refresh shows drift: the host was powered off behind our back.
	r.bmc.SetOn(false)
	read, err := r.srv.Read(p.ReadRequest{ID: created.ID, Urn: serverURN, Properties: out, Inputs: newFiles})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if str(read.Properties, "powerState") != "off" || str(read.Properties, "installState") != plan.StateInstalled {
		t.Fatalf("read: power %q install %q", str(read.Properties, "powerState"), str(read.Properties, "installState"))
	}

	// Delete wipes, powers off and forgets the host.
	r.bmc.SetOn(true)
	if err := r.srv.Delete(p.DeleteRequest{ID: created.ID, Urn: serverURN, Properties: read.Properties}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	boots = r.host.Boots()
	if last := boots[len(boots)-1]; last.Mode != "wipe" || last.Result == nil || !last.Result.OK {
		t.Fatalf("delete did not boot the wipe: %+v", last)
	}
	if r.bmc.On() {
		t.Fatal("host still powered on after delete")
	}
	if _, err := r.status(); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("boot server still knows the host after delete: %v", err)
	}
}
