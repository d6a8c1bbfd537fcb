package perf

import "github.com/shirou/gopsutil/v4/cpu"

// cpuTicks are the machine's CPU time counters (all CPUs, seconds, from
// /proc/stat through gopsutil): steal is time the hypervisor ran something
// else while this machine's virtual CPUs wanted to run.
type cpuTicks struct{ steal, total float64 }

func readCPUTicks() cpuTicks {
	ts, err := cpu.Times(false)
	if err != nil || len(ts) == 0 {
		return cpuTicks{}
	}
	return cpuTicks{steal: ts[0].Steal, total: ts[0].Total()}
}

// stealPercent is the share of the machine's CPU time stolen between a and
// b (%; -1 when the counters could not be read).
func stealPercent(a, b cpuTicks) float64 {
	if b.total <= a.total {
		return -1
	}
	return 100 * (b.steal - a.steal) / (b.total - a.total)
}
