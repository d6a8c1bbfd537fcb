package load

import (
	"context"
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// With a warm-up, the throughput counts every request that finished inside
// the measurement window, those of tasks that began during the warm-up and
// the cool-down too, and nothing else.
func TestWarmupThroughputCountsWhatFinishedInWindow(t *testing.T) {
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 4, TokenDelay: 40 * time.Millisecond}))
	defer srv.Close()
	cfg := Config{OutDir: t.TempDir(), Target: modelapi.Target{URL: srv.URL, API: modelapi.KindOpenAIChat, Model: "fake"},
		Plan: SimplePlan(16, 4), Schedule: Closed{Users: 4},
		Limits: Limits{Duration: 900 * time.Millisecond, Warmup: 300 * time.Millisecond, Cooldown: 300 * time.Millisecond, RequestTimeout: 5 * time.Second}}
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, _ := runrecord.LoadAttempts(cfg.OutDir)
	w := run.Window
	inWindow, measured, other := 0, 0, 0
	for _, a := range atts {
		if !a.OK || a.EndNS < w.StartNS || a.EndNS > w.EndNS {
			continue
		}
		inWindow++
		if a.Phase == runrecord.PhaseMeasure {
			measured++
		} else {
			other++
		}
	}
	got := run.Summary.Throughput.RequestsPerS * run.Summary.WindowS
	if math.Abs(got-float64(inWindow)) > 1e-6 || other == 0 {
		t.Fatalf("throughput counts %.2f requests; %d finished in the window (%d measured, %d of warm-up or cool-down tasks)", got, inWindow, measured, other)
	}
}
