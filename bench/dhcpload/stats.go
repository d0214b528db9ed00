package dhcpload

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Quantile returns the q-quantile (0..1) of ds, or 0 for none.
func Quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q * float64(len(s)-1))
	return s[i]
}

// ClockTick is USER_HZ, the unit of /proc CPU times on Linux.
const ClockTick = 10 * time.Millisecond

// ProcessCPU is the user+system CPU time a process (all its threads) used,
// from /proc/PID/stat.
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: fields count from its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * ClockTick, nil
}

// CPUTimes is the machine-wide line of /proc/stat.
type CPUTimes struct {
	Total, Steal, Idle int64 // clock ticks; Idle includes iowait
}

// MachineCPU reads the "cpu" line of /proc/stat.
func MachineCPU() (CPUTimes, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return CPUTimes{}, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return CPUTimes{}, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var t CPUTimes
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return CPUTimes{}, fmt.Errorf("/proc/stat: %q: %w", v, err)
		}
		if i < 8 { // user nice system idle iowait irq softirq steal (guest is in user)
			t.Total += n
		}
		switch i {
		case 3, 4:
			t.Idle += n
		case 7:
			t.Steal = n
		}
	}
	return t, nil
}

// StealPercent is the share of CPU time stolen by the hypervisor between a and b.
func StealPercent(a, b CPUTimes) float64 {
	if b.Total == a.Total {
		return 0
	}
	return 100 * float64(b.Steal-a.Steal) / float64(b.Total-a.Total)
}

// OtherPercent is the share of the machine's CPU time between a and b used
// by processes other than the ones that used known (e.g. the server under
// test and the load generator).
func OtherPercent(a, b CPUTimes, known time.Duration) float64 {
	total := b.Total - a.Total
	if total <= 0 {
		return 0
	}
	busy := total - (b.Idle - a.Idle) - (b.Steal - a.Steal)
	other := busy - int64(known/ClockTick)
	return 100 * float64(max(other, 0)) / float64(total)
}
