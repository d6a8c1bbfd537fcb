package perfmodel

import (
	"context"
	"testing"
)

// TestRequestVolume: the plan's volume is tco.ParseVolume's, named.
func TestRequestVolume(t *testing.T) {
	for _, tc := range []struct{ volume, want string }{
		{"", "volume: none given (tasks per day, e.g. 50000/day)"},
		{"NaN", `volume "NaN": want tasks per day, e.g. 20000 or 20000/day`},
		{"+Inf/day", `volume "+Inf/day": want tasks per day, e.g. 20000 or 20000/day`},
		{"-5", `volume "-5": want tasks per day, e.g. 20000 or 20000/day`},
	} {
		o := PlanOptions{PromptTokens: 64, MaxTokens: 16, Concurrency: 1, Model: "llama-3.1-70b", Volume: tc.volume}
		if _, err := o.Request(context.Background()); err == nil || err.Error() != tc.want {
			t.Errorf("volume %q: %v, want %s", tc.volume, err, tc.want)
		}
	}
	o := PlanOptions{PromptTokens: 64, MaxTokens: 16, Concurrency: 1, Model: "llama-3.1-70b", Volume: " 1e3 /day", Hardware: []string{"8xh200"}, Site: "us-colo", Prices: "api-2026"}
	req, err := o.Request(context.Background())
	if err != nil || req.VolumeTasksPerDay.Value != 1000 {
		t.Fatalf("volume %q: %+v, %v", o.Volume, req, err)
	}
}
