package collectors

import "strconv"

// MetricClockEventReasons is a GPU's clock-event (throttle) reasons: NVML's
// bitmask (nvmlDeviceGetCurrentClocksEventReasons), stored as a number.
const MetricClockEventReasons = "clocks_event_reasons"

// clockEventBits names the bits of NVML's clock-event reasons
// (nvmlClocksEventReason* in nvml.h) and says which hold the clocks below
// what the GPU would otherwise run at.
var clockEventBits = []struct {
	bit      uint64
	name     string
	throttle bool
}{
	{0x1, "gpu_idle", false},
	{0x2, "applications_clocks_setting", false}, // clocks set by the user (a clock sweep)
	{0x4, "sw_power_cap", true},
	{0x8, "hw_slowdown", true},
	{0x10, "sync_boost", true},
	{0x20, "sw_thermal_slowdown", true},
	{0x40, "hw_thermal_slowdown", true},
	{0x80, "hw_power_brake_slowdown", true},
	{0x100, "display_clock_setting", false},
	{0x200, "board_limit", true},
	{0x400, "reliability", true},
}

// ClockEventReasons names the reasons set in mask, gpu_idle left out, and
// says whether any of them is a throttle (power cap, thermal or hardware
// slowdown, power brake, sync boost, board or reliability limit). Unknown
// bits are named "bit_0x…".
func ClockEventReasons(mask uint64) (names []string, throttled bool) {
	known := uint64(0)
	for _, b := range clockEventBits {
		known |= b.bit
		if mask&b.bit == 0 || b.bit == 0x1 {
			continue
		}
		names = append(names, b.name)
		throttled = throttled || b.throttle
	}
	for bit := uint64(1); bit != 0; bit <<= 1 {
		if mask&bit != 0 && known&bit == 0 {
			names = append(names, "bit_0x"+strconv.FormatUint(bit, 16))
		}
	}
	return names, throttled
}
