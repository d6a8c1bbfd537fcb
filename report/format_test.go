package report

import "testing"

// TestFormatValue: figures read by people never use an exponent.
func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{0, "", "0"},
		{2.807e-05, "USD/task", "0.00002807"},
		{0.0001202, "USD/task", "0.0001202"},
		{274.83, "ms", "274.8"},
		{8646.2, "tasks/day", "8646"},
		{0.012, "fraction", "1.20"},
	} {
		if got := FormatValue(c.v, c.unit); got != c.want {
			t.Errorf("FormatValue(%g, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}
