package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyStack copies a stack folder into a temporary one.
func copyStack(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(stackDir(name), "*.hcl"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		out[filepath.Base(f)] = string(b)
	}
	return out
}

func node3() Registration {
	return Registration{
		Name: "fra1-node3", Site: "fra1", Rack: "fra1-r1", U: 12, Serial: "RS-fra1-node3",
		NICs:  []RegNIC{{MAC: "5254.0011.0023"}},
		BMC:   "10.99.0.15",
		PSUs:  []RegPSU{{PDU: "fra1-pdu-a", Outlet: 3, Watts: 120}, {PDU: "fra1-pdu-b", Outlet: 3, Watts: 120}},
		Disks: []RegDisk{{Name: "d0", Serial: "RS-fra1-node3-d0", SizeBytes: 512 << 20}, {Name: "d1", Serial: "RS-fra1-node3-d1", SizeBytes: 512 << 20}},
		Roles: []string{"dns"},
	}
}

// Registering a new server appends it to servers.hcl, keeps every line
// (comments included) of the file, validates, and a second run changes
// nothing.
func TestRegisterRoundTrip(t *testing.T) {
	dir := copyStack(t, "lab")
	before := snapshot(t, dir)
	res, err := Register(dir, node3())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || !res.Changed || filepath.Base(res.File) != "servers.hcl" {
		t.Fatalf("result: created=%v changed=%v file=%s", res.Created, res.Changed, res.File)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, dir)
	if !strings.HasPrefix(after["servers.hcl"], before["servers.hcl"]) {
		t.Errorf("servers.hcl was not kept as it was before the new block")
	}
	if !strings.Contains(after["servers.hcl"], "# The four lab VMs.") {
		t.Errorf("comment lost")
	}
	for name, content := range before {
		if name != "servers.hcl" && after[name] != content {
			t.Errorf("%s changed", name)
		}
	}
	inv, _, diags := Check(dir)
	if diags.HasErrors() {
		t.Fatalf("registered stack does not check: %v", diags)
	}
	s := newIndex(inv).servers["fra1-node3"]
	if s == nil || s.NICs[0].MAC != "52:54:00:11:00:23" || s.Address.String() != "10.11.0.23/24" ||
		s.BMC.Credential != "lab-bmc" || s.Image != "lab-busybox" || s.Storage.Encryption.PBKDF != "pbkdf2" {
		t.Fatalf("registered server = %+v", s)
	}

	again, err := Register(dir, node3())
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed || string(again.New) != after["servers.hcl"] {
		t.Errorf("second identical registration changes the file")
	}
	if err := again.Write(); err != nil {
		t.Fatal(err)
	}
	if snap := snapshot(t, dir); snap["servers.hcl"] != after["servers.hcl"] {
		t.Errorf("second registration rewrote servers.hcl")
	}
}

// Updating a server touches only the attributes given: an expression such
// as `image = local.lab_image` and the comments around stay.
func TestRegisterUpdateInPlace(t *testing.T) {
	dir := copyStack(t, "lab")
	before := snapshot(t, dir)["servers.hcl"]
	res, err := Register(dir, Registration{Name: "fra1-node1", Roles: []string{"dns", "web"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || !res.Changed {
		t.Fatalf("created=%v changed=%v", res.Created, res.Changed)
	}
	got := string(res.New)
	if strings.Count(got, "image   = local.lab_image") != 4 {
		t.Errorf("expressions of other attributes were rewritten")
	}
	if d := lineDiff(before, got); len(d) != 2 || !strings.Contains(d[1], `roles   = ["dns", "web"]`) {
		t.Errorf("want exactly the roles line changed, got %q", d)
	}
}

// lineDiff returns the lines that differ between two texts of equal length
// in lines: old then new.
func lineDiff(a, b string) []string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return []string{"line count differs"}
	}
	var out []string
	for i := range la {
		if la[i] != lb[i] {
			out = append(out, la[i], lb[i])
		}
	}
	return out
}

// A registration that takes another server's slot, outlet, MAC, serial or
// BMC address is refused with every reason, and nothing is written.
func TestRegisterRefusesConflicts(t *testing.T) {
	dir := copyStack(t, "lab")
	before := snapshot(t, dir)
	reg := node3()
	reg.U = 10                            // fra1-node1's unit
	reg.PSUs[0].Outlet = 1                // fra1-node1's outlet
	reg.NICs[0].MAC = "52-54-00-11-00-21" // fra1-node1's MAC, other spelling
	reg.Serial = "RS-fra1-node2"          // fra1-node2's serial
	reg.BMC = "10.99.0.14"                // ams1-node2's BMC
	_, err := Register(dir, reg)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	for _, want := range []string{"U 10–10", "outlet 1 of pdu fra1-pdu-a", "MAC 52:54:00:11:00:21", "serial RS-fra1-node2", "BMC address 10.99.0.14"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if after := snapshot(t, dir); len(after) != len(before) || after["servers.hcl"] != before["servers.hcl"] {
		t.Errorf("files changed by a refused registration")
	}
}

// A registration whose result would not validate (here: an unknown PDU and
// a RAID 1 over one disk) is refused with the diagnostics.
func TestRegisterRefusesInvalidResult(t *testing.T) {
	dir := copyStack(t, "lab")
	reg := node3()
	reg.PSUs = []RegPSU{{PDU: "fra1-pdu-z", Outlet: 3}}
	reg.Disks = reg.Disks[:1]
	_, err := Register(dir, reg)
	var de *DiagnosticsError
	if !errors.As(err, &de) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want DiagnosticsError", err)
	}
	if !strings.Contains(err.Error(), `"pdu" "fra1-pdu-z" is not declared`) || !strings.Contains(err.Error(), "RAID 1 needs at least 2 disks") {
		t.Errorf("error: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "servers.hcl")); err != nil {
		t.Fatal(err)
	}
}

// Discovery facts fill serial, model, NICs (boot MAC first) and disks.
func TestApplyFacts(t *testing.T) {
	reg := Registration{Name: "x"}
	err := reg.ApplyFacts(HostFacts{
		MAC: "52:54:00:AA:00:02", Serial: "S1", Vendor: "QEMU", Product: "Standard PC",
		NICs:  []NICFacts{{Name: "eth0", MAC: "52:54:00:aa:00:01"}, {Name: "eth1", MAC: "52-54-00-aa-00-02"}},
		Disks: []DiskFacts{{Path: "/dev/vda", Serial: "D0", SizeBytes: 512 << 20}, {Path: "/dev/vdb", Serial: "D1", SizeBytes: 512 << 20}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Serial != "S1" || reg.Model != "QEMU Standard PC" || len(reg.NICs) != 2 ||
		reg.NICs[0] != (RegNIC{Name: "eth1", MAC: "52:54:00:aa:00:02"}) || reg.NICs[1].MAC != "52:54:00:aa:00:01" {
		t.Errorf("reg = %+v", reg)
	}
	if len(reg.Disks) != 2 || reg.Disks[1] != (RegDisk{Name: "vdb", Serial: "D1", Path: "/dev/vdb", SizeBytes: 512 << 20}) {
		t.Errorf("disks = %+v", reg.Disks)
	}
	bad := Registration{Name: "x", Serial: "OTHER"}
	if err := bad.ApplyFacts(HostFacts{MAC: "52:54:00:aa:00:02", Serial: "S1"}); !errors.Is(err, ErrConflict) {
		t.Errorf("contradicting serial: err = %v", err)
	}
}

// Moving a server's two supplies to other outlets edits its psu blocks
// where they are: exactly the two outlet lines change.
func TestRegisterUpdatesPSUsInPlace(t *testing.T) {
	dir := copyStack(t, "lab")
	before := snapshot(t, dir)["servers.hcl"]
	res, err := Register(dir, Registration{Name: "fra1-node1",
		PSUs: []RegPSU{{PDU: "fra1-pdu-a", Outlet: 7, Watts: 120}, {PDU: "fra1-pdu-b", Outlet: 7, Watts: 120}}})
	if err != nil {
		t.Fatal(err)
	}
	d := lineDiff(before, string(res.New))
	if len(d) != 4 || !strings.Contains(d[1], "outlet = 7") || !strings.Contains(d[3], "outlet = 7") {
		t.Errorf("want exactly the two outlet lines changed, got %q", d)
	}
}
