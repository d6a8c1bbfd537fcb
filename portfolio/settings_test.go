package portfolio_test

import (
	"testing"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/portfolio"
)

// TestSettingsVolumes: a volume that is not tasks per day (NaN and
// infinities included) is refused as the setting's bad input.
func TestSettingsVolumes(t *testing.T) {
	for _, tc := range []struct {
		volume string
		wv     []string
		want   string
	}{
		{"NaN", nil, `volume "NaN": want tasks per day, e.g. 20000 or 20000/day`},
		{"Inf/day", nil, `volume "Inf/day": want tasks per day, e.g. 20000 or 20000/day`},
		{"0", nil, `volume "0": want tasks per day, e.g. 20000 or 20000/day`},
		{"", []string{"email=NaN"}, `workflow-volume "email=NaN": want workflow=successful tasks per day, e.g. draft-email=20000`},
		{"", []string{"email="}, `workflow-volume "email=": want workflow=successful tasks per day, e.g. draft-email=20000`},
		{"20000/day", []string{"email=1e3/day"}, "portfolio: no options (give run directories, sweep directories, traces or --options FILE)"},
	} {
		s := portfolio.Defaults()
		s.WorkflowVolumes = tc.wv
		_, err := s.Build(nil, portfolio.Pricing{}, tc.volume)
		if err == nil || err.Error() != tc.want || !badinput.Is(err) {
			t.Errorf("volume %q, workflow volumes %q: %v, want %s", tc.volume, tc.wv, err, tc.want)
		}
	}
}
