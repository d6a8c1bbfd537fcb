package tco

import "testing"

func TestParseVolume(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"", 0, true},
		{"   ", 0, true},
		{"20000", 20000, true},
		{"20000/day", 20000, true},
		{" 20000 /day", 20000, true},
		{"20000/ day", 0, false},
		{"1e3/day", 1000, true},
		{"0.5", 0.5, true},
		{"0", 0, false},
		{"0/day", 0, false},
		{"-5", 0, false},
		{"NaN", 0, false},
		{"nan/day", 0, false},
		{"Inf", 0, false},
		{"+Inf", 0, false},
		{"-Inf", 0, false},
		{"infinity/day", 0, false},
		{"1e400", 0, false},
		{"/day", 0, false},
		{"abc", 0, false},
		{"20000/week", 0, false},
		{"20,000", 0, false},
	} {
		got, err := ParseVolume(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParseVolume(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if !tc.ok && (err == nil || err.Error() != "want tasks per day, e.g. 20000 or 20000/day" || got != 0) {
			t.Errorf("ParseVolume(%q) = %v, %v; want the error", tc.in, got, err)
		}
	}
}
