package perf

import (
	"os"
	"strconv"
	"strings"
)

// cpuTicks are the machine's CPU time counters from /proc/stat (all CPUs,
// clock ticks): steal is time the hypervisor ran something else while this
// machine's virtual CPUs wanted to run.
type cpuTicks struct{ steal, total uint64 }

func readCPUTicks() cpuTicks {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTicks{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTicks{}
	}
	var t cpuTicks
	for i, s := range f[1:] {
		v, _ := strconv.ParseUint(s, 10, 64)
		if i < 8 { // user … steal; guest time is already in user
			t.total += v
		}
		if i == 7 {
			t.steal = v
		}
	}
	return t
}

// stealPercent is the share of the machine's CPU time stolen between a and
// b (%; -1 when /proc/stat could not be read).
func stealPercent(a, b cpuTicks) float64 {
	if b.total <= a.total {
		return -1
	}
	return 100 * float64(b.steal-a.steal) / float64(b.total-a.total)
}
