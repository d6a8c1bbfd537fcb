package collectors

import (
	"slices"
	"testing"
)

func TestClockEventReasons(t *testing.T) {
	tests := []struct {
		mask      uint64
		names     []string
		throttled bool
	}{
		{0, nil, false},
		{0x1, nil, false},
		{0x2 | 0x100, []string{"applications_clocks_setting", "display_clock_setting"}, false},
		{0x1 | 0x4, []string{"sw_power_cap"}, true},
		{0x40 | 0x80, []string{"hw_thermal_slowdown", "hw_power_brake_slowdown"}, true},
		{0x10000, []string{"bit_0x10000"}, false},
	}
	for _, tc := range tests {
		names, th := ClockEventReasons(tc.mask)
		if !slices.Equal(names, tc.names) || th != tc.throttled {
			t.Errorf("%#x: %v %v, want %v %v", tc.mask, names, th, tc.names, tc.throttled)
		}
	}
}
