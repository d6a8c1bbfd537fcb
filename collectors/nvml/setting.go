package nvml

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Errors of GPU control (see Control), for callers that map them to exit
// codes: both mean the sweep cannot run on this node as it is.
var (
	// ErrNoPermission: NVML refused to change a setting (NO_PERMISSION):
	// changing power limits and clocks takes root (or the NVIDIA admin
	// capability in a container).
	ErrNoPermission = errors.New("no permission to change GPU settings")
	// ErrNotSupported: the GPU or driver cannot change this setting.
	ErrNotSupported = errors.New("GPU setting not supported")
)

// ClockLock locks the SM (graphics) clocks to [MinMHz, MaxMHz].
type ClockLock struct {
	MinMHz, MaxMHz int
}

// Setting is one point of a power-limit or clock sweep, applied to every
// controlled GPU.
type Setting struct {
	// PowerLimitW is the power limit to set; 0 leaves it as found.
	PowerLimitW float64
	// Clocks locks the SM clocks; nil leaves them as found.
	Clocks *ClockLock
}

// String is the setting in words: "300 W", "300 W, SM 1410 MHz",
// "SM 1200-1410 MHz", "as found".
func (s Setting) String() string {
	var parts []string
	if s.PowerLimitW > 0 {
		parts = append(parts, strconv.FormatFloat(s.PowerLimitW, 'f', -1, 64)+" W")
	}
	if c := s.Clocks; c != nil {
		if c.MinMHz == c.MaxMHz {
			parts = append(parts, fmt.Sprintf("SM %d MHz", c.MaxMHz))
		} else {
			parts = append(parts, fmt.Sprintf("SM %d-%d MHz", c.MinMHz, c.MaxMHz))
		}
	}
	if len(parts) == 0 {
		return "as found"
	}
	return strings.Join(parts, ", ")
}

// ParsePowerLimits reads a comma-separated list of power limits in watts,
// with or without the unit: "300W,450W,600,700 W". Each must be above 0.
func ParsePowerLimits(s string) ([]float64, error) {
	var out []float64
	for i, item := range splitList(s) {
		num := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(item, "W"), "w"))
		w, err := strconv.ParseFloat(num, 64)
		if err != nil || w <= 0 || w > 1e5 {
			return nil, fmt.Errorf("power limits: item %d %q: want watts above 0, such as 450W", i+1, item)
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		return nil, errors.New("power limits: empty list")
	}
	return out, nil
}

// ParseClockLocks reads a comma-separated list of SM clock locks in MHz:
// "1410" locks the clocks at 1,410 MHz, "1200-1410" to that range; a
// trailing "MHz" is allowed.
func ParseClockLocks(s string) ([]ClockLock, error) {
	var out []ClockLock
	for i, item := range splitList(s) {
		v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(item, "MHz"), "mhz"))
		lo, hi, isRange := strings.Cut(v, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || a <= 0 || b < a {
			return nil, fmt.Errorf("clocks: item %d %q: want MHz such as 1410, or a range such as 1200-1410", i+1, item)
		}
		out = append(out, ClockLock{MinMHz: a, MaxMHz: b})
	}
	if len(out) == 0 {
		return nil, errors.New("clocks: empty list")
	}
	return out, nil
}

// Settings is every combination of limits and clocks, in order: each power
// limit (outer) with each clock lock. Either list may be empty.
func Settings(limits []float64, clocks []ClockLock) []Setting {
	var out []Setting
	if len(limits) == 0 {
		limits = []float64{0}
	}
	for _, w := range limits {
		if len(clocks) == 0 {
			out = append(out, Setting{PowerLimitW: w})
			continue
		}
		for i := range clocks {
			c := clocks[i]
			out = append(out, Setting{PowerLimitW: w, Clocks: &c})
		}
	}
	return out
}

// Point is one sweep point as applied: its place in the sweep, the
// setting, and what each GPU had then (for run.json's gpu_control).
type Point struct {
	Index   int
	Setting Setting
	GPUs    []runrecord.GPUControl
}
