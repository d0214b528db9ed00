package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// writeFleet writes a generated inventory of n servers (n a multiple of 40)
// to dir: two sites, racks of 20 servers with an A and a B PDU each, every
// server dual-fed with two NICs, two disks, RAID 1 and LUKS2, and roles
// spread over racks and sites. One file per rack (its PDUs and servers),
// as a fleet that size is kept, plus one for the shared blocks.
func writeFleet(tb testing.TB, dir string, n int) {
	tb.Helper()
	const perRack = 20
	var common strings.Builder
	sites := []string{"s1", "s2"}
	for i, s := range sites {
		fmt.Fprintf(&common, `site %q {
  network {
    prefix      = "10.%d.0.0/16"
    boot_server = "10.%d.0.2"
    boot_url    = "http://10.%d.0.2:8080"
  }
}
`, s, 100+i, 100+i, 100+i)
	}
	common.WriteString(`credential "bmc" {
  username = "admin"
  password = "env:BMC_PASSWORD"
}
`)
	roles := []string{"web", "mx", "dns", "monitor", "lb"}
	for _, r := range roles {
		fmt.Fprintf(&common, "role %q {\n  replicas = %d\n  spread   = [\"site\", \"rack\", \"pdu\"]\n}\n", r, n/len(roles))
	}
	if err := os.WriteFile(filepath.Join(dir, "common.hcl"), []byte(common.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	id := 0
	for si, s := range sites {
		racks := n / len(sites) / perRack
		for r := 0; r < racks; r++ {
			var b strings.Builder
			rack := fmt.Sprintf("%s-r%d", s, r)
			fmt.Fprintf(&b, "rack %q {\n  site   = %q\n  height = 42\n}\n", rack, s)
			for _, feed := range []string{"A", "B"} {
				fmt.Fprintf(&b, "pdu \"%s-%s\" {\n  site    = %q\n  rack    = %q\n  feed    = %q\n  amps    = 32\n  volts   = 230\n  outlets = 24\n}\n", rack, feed, s, rack, feed)
			}
			for k := 0; k < perRack; k++ {
				id++
				fmt.Fprintf(&b, `server "n%[1]d" {
  site    = %[2]q
  rack    = %[3]q
  u       = %[4]d
  serial  = "SER%[1]d"
  address = "10.%[5]d.%[6]d.%[7]d/16"
  roles   = [%[8]q]
  psu {
    pdu    = "%[3]s-A"
    outlet = %[9]d
    watts  = 350
  }
  psu {
    pdu    = "%[3]s-B"
    outlet = %[9]d
    watts  = 350
  }
  bmc {
    address    = "10.%[10]d.%[6]d.%[7]d"
    credential = "bmc"
  }
  nic "eno1" {
    mac     = "0c:c4:7a:%02[11]x:%02[12]x:%02[13]x"
    purpose = "provisioning"
  }
  nic "eno2" {
    mac     = "0c-c4-7b-%02[11]x-%02[12]x-%02[13]x"
    purpose = "public"
  }
  disk "d0" {
    serial = "SER%[1]d-0"
    size   = "3.84TB"
  }
  disk "d1" {
    serial = "SER%[1]d-1"
    size   = "3.84TB"
  }
  storage {
    raid_level = 1
    disks      = ["d0", "d1"]
    encryption {
      type = "luks2"
    }
  }
}
`, id, s, rack, 2*k+1, 100+si, 1+id/200, 1+id%200, roles[(r+k)%len(roles)], k+1, 200+si, id>>16, (id>>8)&0xff, id&0xff)
			}
			if err := os.WriteFile(filepath.Join(dir, "rack-"+rack+".hcl"), []byte(b.String()), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func TestGeneratedFleetChecks(t *testing.T) {
	dir := t.TempDir()
	writeFleet(t, dir, 400)
	inv, rep, diags := Check(dir)
	if diags.HasErrors() {
		t.Fatalf("generated fleet: %s", dumpDiags(diags))
	}
	if len(inv.Servers) != 400 || rep == nil || len(rep.WhatIf) != 40+20+2 {
		t.Fatalf("got %d servers, report %v", len(inv.Servers), rep != nil)
	}
}

// BenchmarkCheck10k loads, validates and analyses a generated inventory of
// 10,000 servers (the goal: ≤ 1 s and ≤ 200 MB allocated per run).
func BenchmarkCheck10k(b *testing.B) {
	dir := b.TempDir()
	writeFleet(b, dir, 10000)
	b.ReportAllocs()
	var before, after syscall.Rusage
	runtime.GC()
	resetPeakRSS()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	var inv *Inventory
	for b.Loop() {
		var rep *Report
		var diags hcl.Diagnostics
		inv, rep, diags = Check(dir)
		if diags.HasErrors() || rep == nil || len(inv.Servers) != 10000 {
			b.Fatalf("check failed: %d servers, %s", len(inv.Servers), diags.Error())
		}
	}
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) / time.Duration(b.N)
	b.ReportMetric(cpu.Seconds(), "cpu-s/op")
	if peak := peakRSSMB(); peak > 0 {
		b.ReportMetric(peak, "peak-rss-MB")
	}
	// Live heap with one loaded inventory (its parsed files included) held.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MB")
	runtime.KeepAlive(inv)
}

// resetPeakRSS resets the kernel's record of the process's peak resident
// size (Linux: clear_refs 5), so that VmHWM measures the benchmark only.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB reads VmHWM, the peak resident size since the last reset.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb); err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
