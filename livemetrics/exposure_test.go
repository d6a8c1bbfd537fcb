package livemetrics

import (
	"strings"
	"testing"
)

func TestExposureWarning(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{":9100", ""},
		{"9100", ""},
		{"127.0.0.1:9100", ""},
		{"[::1]:9100", ""},
		{"localhost:9100", ""},
		{"0.0.0.0:9100", "0.0.0.0:9100 are served on every network interface"},
		{"[::]:9100", "[::]:9100 are served on every network interface"},
		{"192.0.2.7:9100", "on an interface other machines may reach"},
	} {
		got := ExposureWarning(c.addr)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.addr, got, c.want)
		}
	}
}
