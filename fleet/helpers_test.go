package fleet

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// Timing noise this package's tests allow between two runs of one
// schedule on a shared 2-core machine (other jobs, the race detector): a
// process descheduled for a moment sends late or reads a token late, so
// any one send may differ by up to maxNoise and a p99 (of 45 requests, its
// top one or two) by as much, while the typical send (the median
// difference) is within typicalNoise and a median latency within
// latencyNoise. Throughput may differ by throughputNoise (relative); counts
// never differ.
const (
	maxNoise        = 300 * time.Millisecond
	typicalNoise    = 20 * time.Millisecond
	latencyNoise    = 15.0 // ms, medians
	throughputNoise = 0.25
)

// fake starts a fakeserver that logs its own stamps.
func fake(t *testing.T) (string, *fakeserver.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv := fakeserver.New(fakeserver.Options{Log: true, FirstTokenDelay: 5 * time.Millisecond, TokenDelay: time.Millisecond})
	addr, _, err := srv.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + addr, srv
}

// schedSpec is the seeded open-loop run every test of this package splits.
func schedSpec(url, dir string) harness.Spec {
	return harness.Spec{Load: load.Config{OutDir: dir, Plan: load.SimplePlan(16, 8),
		Target:   modelapi.Target{URL: url, API: modelapi.KindOpenAIChat, Model: "fake"},
		Schedule: load.Poisson{Rate: 30},
		Limits:   load.Limits{Count: 45, Warmup: 100 * time.Millisecond, RequestTimeout: 10 * time.Second, Grace: time.Second},
		Seed:     11}}
}

// runShards runs n shards of a fleet in this process and returns their errors.
func runShards(t *testing.T, n int, mk func(i int) Spec) []error {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Run(context.Background(), mk(i))
		}()
	}
	wg.Wait()
	return errs
}

// shardSpec is shard i of n of the fleet id, split by schedule.
func shardSpec(url, dir, dsn, id string, i, n int) Spec {
	return Spec{Run: schedSpec(url, filepath.Join(dir, fmt.Sprintf("shard-%d", i))), Store: dsn,
		Settings: Settings{ID: id, Shard: fmt.Sprintf("%d/%d", i, n), Split: runrecord.FleetSplitSchedule, Wait: time.Minute},
		Lead:     500 * time.Millisecond, Beat: 200 * time.Millisecond}
}

// offsets are the server's arrival stamps relative to start, sorted.
func offsets(st []fakeserver.Stamp, start time.Time) []time.Duration {
	out := make([]time.Duration, len(st))
	for i, s := range st {
		out[i] = time.Duration(s.ArrivalNS - start.UnixNano())
	}
	slices.Sort(out)
	return out
}

// sameSends checks that two sets of send offsets match one to one within
// the timing noise.
func sameSends(t *testing.T, single, fleet []time.Duration) {
	t.Helper()
	if len(single) != len(fleet) {
		t.Fatalf("the server saw %d requests from the fleet, %d from the single process", len(fleet), len(single))
	}
	diffs := make([]time.Duration, len(single))
	for i := range single {
		d := fleet[i] - single[i]
		if d < 0 {
			d = -d
		}
		diffs[i] = d
		if d > maxNoise {
			t.Errorf("request %d arrived at %s in the fleet, %s from the single process", i, fleet[i], single[i])
		}
	}
	slices.Sort(diffs)
	med := diffs[len(diffs)/2]
	if med > typicalNoise {
		t.Errorf("the fleet's arrivals differ from the single process's by %s typically (median), want at most %s", med, typicalNoise)
	}
	t.Logf("%d sends at the server: median difference %s, largest %s", len(single), med, diffs[len(diffs)-1])
}
