package perf

import (
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
)

// The attack's start is found from the hit closest to its schedule, so a
// late first hit does not shift every other hit's due time.
func TestVegetaDueTimes(t *testing.T) {
	t0 := time.Unix(100, 0)
	res := []vegetaResult{
		{Seq: 0, Timestamp: t0.Add(16 * time.Millisecond), Headers: map[string][]string{fakeserver.RequestIDHeader: {"v-0"}}},
		{Seq: 1, Timestamp: t0.Add(5*time.Millisecond + 100*time.Microsecond), Latency: 1e6},
		{Seq: 2, Timestamp: t0.Add(10*time.Millisecond + 300*time.Microsecond)},
	}
	got := vegetaRequests(res, 200)
	start := t0.UnixNano() + 100e3 // seq 1 was the closest: 0.1 ms late
	for i, want := range []int64{start, start + 5e6, start + 10e6} {
		if got[i].scheduled != want {
			t.Errorf("hit %d due %d, want %d", i, got[i].scheduled, want)
		}
	}
	if got[0].id != "v-0" || got[1].end != t0.Add(5*time.Millisecond+100*time.Microsecond).UnixNano()+1e6 {
		t.Errorf("ids/ends %+v", got)
	}
}
