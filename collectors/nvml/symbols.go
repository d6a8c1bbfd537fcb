//go:build cgo

package nvml

import (
	"fmt"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/tcobench/tcobench/collectors"
)

// NVML entry points that some drivers lack. go-nvml calls a C symbol
// directly; one the loaded driver does not export ends the process ("symbol
// lookup error", exit 127), so each is looked up before it is used.
const (
	symEnergy          = "nvmlDeviceGetTotalEnergyConsumption"       // Volta and newer drivers
	symFieldValues     = "nvmlDeviceGetFieldValues"                  // instant power
	symPowerUsage      = "nvmlDeviceGetPowerUsage"                   // 1-second average power
	symUtilization     = "nvmlDeviceGetUtilizationRates"             // GPU and memory utilisation
	symMemoryInfo      = "nvmlDeviceGetMemoryInfo"                   // memory used
	symClockInfo       = "nvmlDeviceGetClockInfo"                    // SM and memory clocks
	symTemperature     = "nvmlDeviceGetTemperature"                  // deprecated in NVML 13
	symEnforcedLimit   = "nvmlDeviceGetEnforcedPowerLimit"           // enforced power limit
	symEventReasons    = "nvmlDeviceGetCurrentClocksEventReasons"    // R535 and newer
	symThrottleReasons = "nvmlDeviceGetCurrentClocksThrottleReasons" // its name before R535
	symArchitecture    = "nvmlDeviceGetArchitecture"                 // R450 and newer
	symMigMode         = "nvmlDeviceGetMigMode"                      // R450 and newer
	symCudaVersion     = "nvmlSystemGetCudaDriverVersion"
	symMigCount        = "nvmlDeviceGetMaxMigDeviceCount"
	symMigHandle       = "nvmlDeviceGetMigDeviceHandleByIndex"
)

// symbols says which NVML entry points the loaded library exports. It asks
// the library once per name.
type symbols struct {
	ext  gonvml.ExtendedInterface
	seen map[string]bool
}

func newSymbols(lib Library) *symbols {
	return &symbols{ext: lib.Extensions(), seen: map[string]bool{}}
}

// has reports whether the library exports name. Call it after Init.
func (s *symbols) has(name string) bool {
	ok, seen := s.seen[name]
	if !seen {
		ok = s.ext.LookupSymbol(name) == nil
		s.seen[name] = ok
	}
	return ok
}

// missing is the note for a reading the driver cannot give.
func missing(metric, symbol string) string {
	return fmt.Sprintf("%s not read: the NVIDIA driver lacks %s (an older driver)", metric, symbol)
}

// metricSymbols are the entry points behind each sampled metric, in the
// order the collector's notes list them.
var metricSymbols = []struct{ metric, symbol string }{
	{collectors.MetricEnergyMJ, symEnergy},
	{collectors.MetricPowerInstantW, symFieldValues},
	{collectors.MetricPowerAvg1sW, symPowerUsage},
	{metricGPUUtil, symUtilization},
	{metricMemUtil, symUtilization},
	{metricMemUsed, symMemoryInfo},
	{metricSMClock, symClockInfo},
	{metricMemClock, symClockInfo},
	{metricTemp, symTemperature},
	{metricPowerLimit, symEnforcedLimit},
}

// reasonsReader picks how to read the clock-event reasons: the R535 call,
// else its older name, else none (note says why).
func reasonsReader(sym *symbols) (read func(Device) (uint64, gonvml.Return), note string) {
	switch {
	case sym.has(symEventReasons):
		return Device.GetCurrentClocksEventReasons, ""
	case sym.has(symThrottleReasons):
		return Device.GetCurrentClocksThrottleReasons, fmt.Sprintf("the NVIDIA driver lacks %s (before R535): clock-event reasons are read through %s", symEventReasons, symThrottleReasons)
	}
	return nil, missing(metricClockEvents, symEventReasons)
}

// driverNotes lists what the loaded driver cannot give.
func driverNotes(sym *symbols) []string {
	var notes []string
	seen := map[string]bool{}
	for _, m := range metricSymbols {
		if !sym.has(m.symbol) && !seen[m.symbol] {
			seen[m.symbol] = true
			notes = append(notes, missing(m.metric, m.symbol))
		}
	}
	if _, note := reasonsReader(sym); note != "" {
		notes = append(notes, note)
	}
	return notes
}
