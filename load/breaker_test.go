package load

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// TestDownServerStopsTheRun: a closed loop against a port where nothing
// listens stops after MaxConsecutiveRefused refusals instead of retrying as
// fast as the kernel refuses, and says why; every attempt made is recorded.
func TestDownServerStopsTheRun(t *testing.T) {
	cfg := testConfig(t, refusedTarget(t), 0)
	cfg.Schedule, cfg.Limits.Count, cfg.Limits.Duration = Closed{Users: 2}, 0, time.Minute
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) < MaxConsecutiveRefused || len(atts) > MaxConsecutiveRefused+2 {
		t.Fatalf("%d attempts recorded, want about %d", len(atts), MaxConsecutiveRefused)
	}
	if len(atts) != run.Summary.Requests.Scheduled {
		t.Errorf("record holds %d attempts, summary says %d scheduled", len(atts), run.Summary.Requests.Scheduled)
	}
	if !run.Partial || !strings.Contains(run.PartialReason, "refused") {
		t.Errorf("partial %v, reason %q", run.Partial, run.PartialReason)
	}
}

// TestBreakerResetsOnAnswers: refusals interleaved with answers never trip it.
func TestBreakerResetsOnAnswers(t *testing.T) {
	var b breaker
	for i := 0; i < 3*MaxConsecutiveRefused; i++ {
		cls := runrecord.ErrRefused
		if i%(MaxConsecutiveRefused-1) == 0 {
			cls = runrecord.ErrHTTPStatus
		}
		b.observe(&runrecord.Attempt{ErrorClass: cls})
	}
	if r, ok := b.tripped(); ok {
		t.Fatalf("tripped: %s", r)
	}
	for i := 0; i < MaxConsecutiveRefused; i++ {
		b.observe(&runrecord.Attempt{ErrorClass: runrecord.ErrRefused})
		b.observe(&runrecord.Attempt{ErrorClass: runrecord.ErrDropped})
	}
	if _, ok := b.tripped(); !ok {
		t.Fatal("not tripped after refusals separated only by dropped attempts")
	}
}
