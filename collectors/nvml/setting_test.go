package nvml

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePowerLimits(t *testing.T) {
	got, err := ParsePowerLimits("300W, 450w,600,700 W")
	if err != nil || !reflect.DeepEqual(got, []float64{300, 450, 600, 700}) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", ",", "45OW", "0W", "-5", "300W,x"} {
		if _, err := ParsePowerLimits(bad); err == nil || !strings.HasPrefix(err.Error(), "power limits: ") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
	if _, err := ParsePowerLimits("300W,45OW"); err == nil || !strings.Contains(err.Error(), `item 2 "45OW"`) {
		t.Errorf("err %v does not name the item", err)
	}
}

func TestParseClockLocks(t *testing.T) {
	got, err := ParseClockLocks("1410, 1200-1410,990MHz")
	want := []ClockLock{{1410, 1410}, {1200, 1410}, {990, 990}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "1410-1200", "fast", "0"} {
		if _, err := ParseClockLocks(bad); err == nil || !strings.HasPrefix(err.Error(), "clocks: ") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestSettings(t *testing.T) {
	var names []string
	for _, s := range Settings([]float64{300, 450}, []ClockLock{{1410, 1410}, {1200, 1410}}) {
		names = append(names, s.String())
	}
	want := []string{"300 W, SM 1410 MHz", "300 W, SM 1200-1410 MHz", "450 W, SM 1410 MHz", "450 W, SM 1200-1410 MHz"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q", names)
	}
	if s := Settings([]float64{300}, nil); len(s) != 1 || s[0].String() != "300 W" {
		t.Errorf("limits only: %v", s)
	}
	if s := Settings(nil, []ClockLock{{990, 990}}); len(s) != 1 || s[0].String() != "SM 990 MHz" {
		t.Errorf("clocks only: %v", s)
	}
}
