package perf

import (
	"context"
	"strings"
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

// The table gives each client's medians, the machine floor and the ratios
// to the peer, floor included.
func TestWritePeersTable(t *testing.T) {
	run := func(c string, lag, cpu float64) PeerRun {
		return PeerRun{Client: c, Lag: Stats{P99: lag}, E2E: Stats{P99: 1}, CPUPerRequest: cpu, MaxRSS: 32 << 20, LoadAvg: "0.50 0.40 0.30", Steal: 1.5}
	}
	pts := []PeerPoint{{Name: "100 req/s", Rate: 100,
		Runs:  []PeerRun{run("tcobench", 1, 0.2), run("vegeta", 2, 0.4), run("tcobench", 3, 0.2), run("vegeta", 4, 0.4)},
		Floor: []Stats{{P99: 0.5}, {P99: 1.5}}}}
	var b strings.Builder
	if err := WritePeers(&b, pts); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"100 req/s  tcobench           2     2 (1–3)",
		"100 req/s  machine floor      2     1 (0.5–1.5)",
		"100 req/s  tcobench / vegeta        0.67 ×",
		"100 req/s  floor / vegeta           0.33 ×",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestStealPercent(t *testing.T) {
	if got := stealPercent(cpuTicks{steal: 10, total: 1000}, cpuTicks{steal: 30, total: 1400}); got != 5 {
		t.Errorf("steal %v %%, want 5", got)
	}
	if got := stealPercent(cpuTicks{}, cpuTicks{}); got != -1 {
		t.Errorf("steal without counters %v, want -1", got)
	}
	if now := readCPUTicks(); now.total == 0 {
		t.Error("no CPU counters in /proc/stat")
	}
}

// The floor paces the rate with a bare kernel sleep: one wake-up per due
// time, none early.
func TestWakeFloor(t *testing.T) {
	f := wakeFloor(context.Background(), 200, 100*time.Millisecond)
	if f.N != 20 || f.P50 < 0 {
		t.Errorf("floor %+v, want 20 wake-ups, none early", f)
	}
}
