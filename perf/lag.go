package perf

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// LagTokens is the length of the short responses of the lag benchmark.
const LagTokens = 4

// Stats are a sample's p50, p99 and max in milliseconds, with its size.
type Stats struct {
	N                int
	P50, P99, Max    float64
	Missing, Dropped int // no server stamp; dropped by the engine
	Fresh            int // requests sent on a newly opened connection (engine)
}

func (s Stats) String() string {
	return fmt.Sprintf("p50 %.3f / p99 %.3f / max %.3f ms (n=%d)", s.P50, s.P99, s.Max, s.N)
}

// LagResult is the dispatch lag of one rate: server arrival minus the
// intended send time, for the engine, for the engine's own record (its
// sent_ns minus scheduled_ns), and for minimal clients pacing with a Go
// timer (the engine's method) and with nanosleep on a locked thread.
type LagResult struct {
	Rate                       float64
	Engine, EngineSelf         Stats
	MinimalTimer, MinimalNanos Stats
	// EngineCPU and MinimalCPU are this process's CPU time per request
	// (ms; the minimal figure is the nanosleep client's).
	EngineCPU, MinimalCPU float64
}

// DispatchLag measures schedule fidelity for open-loop Poisson arrivals at
// rate requests per second over d.
func DispatchLag(ctx context.Context, rate float64, d time.Duration) (LagResult, error) {
	res := LagResult{Rate: rate}
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: LagTokens, Log: true})
	if err != nil {
		return res, err
	}
	defer srv.Close()
	if res.Engine, res.EngineSelf, res.EngineCPU, err = engineLag(ctx, srv, rate, d); err != nil {
		return res, err
	}
	if res.MinimalTimer, _, err = minimalLag(ctx, srv, rate, d, false); err != nil {
		return res, err
	}
	res.MinimalNanos, res.MinimalCPU, err = minimalLag(ctx, srv, rate, d, true)
	return res, err
}

// engineLag returns the lag at the server, the engine's own record of it,
// and the engine's CPU per request (ms).
func engineLag(ctx context.Context, srv *Server, rate float64, d time.Duration) (Stats, Stats, float64, error) {
	h, err := harnessRun(ctx, srv.URL, LagTokens, load.Poisson{Rate: rate}, load.Limits{Duration: d}, true)
	if err != nil {
		return Stats{}, Stats{}, 0, err
	}
	st, err := srv.Stamps(ctx)
	if err != nil {
		return Stats{}, Stats{}, 0, err
	}
	arrival := make(map[string]int64, len(st))
	for _, s := range st {
		arrival[s.RequestID] = s.ArrivalNS
	}
	zero, atts := h.run.StartedAt.UnixNano(), h.atts
	var lag, self []float64
	missing, dropped := 0, 0
	for i := range atts {
		a := &atts[i]
		if a.ErrorClass == runrecord.ErrDropped {
			dropped++
			continue
		}
		self = append(self, ms(a.SentNS-a.ScheduledNS))
		if t, ok := arrival[a.RequestID]; ok {
			lag = append(lag, ms(t-zero-a.ScheduledNS))
		} else {
			missing++
		}
	}
	s := stats(lag)
	s.Missing, s.Dropped = missing, dropped
	return s, stats(self), ms(int64(h.cpu)) / float64(max(len(atts), 1)), nil
}

// minimalLag paces the same Poisson schedule as the engine (same seed) and
// sends each request from its own goroutine with the minimal client. It
// returns the lag at the server and the client's CPU per request (ms).
func minimalLag(ctx context.Context, srv *Server, rate float64, d time.Duration, nanos bool) (Stats, float64, error) {
	arr, err := load.NewArrivals(runrecord.ArrivalPoisson, rate, 1, 1)
	if err != nil {
		return Stats{}, 0, err
	}
	m := newMinimal(srv.URL, LagTokens)
	defer m.close()
	var w Waiter
	var start time.Time
	if nanos {
		w, start = NewNanosleepWaiter()
	} else {
		start = time.Now()
		w = TimerWaiter{Start: start}
	}
	due := map[string]int64{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	c0 := cpuTime()
	n := paceLoop(w, nanos, arr.At, int64(d), func(i int, at int64) {
		id := "n" + strconv.Itoa(i)
		mu.Lock()
		due[id] = at
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.do(ctx, id)
		}()
	})
	wg.Wait()
	cpu := ms(int64(cpuTime()-c0)) / float64(max(n, 1))
	st, err := srv.Stamps(ctx)
	if err != nil {
		return Stats{}, 0, err
	}
	zero := start.UnixNano()
	var lag []float64
	for _, s := range st {
		if at, ok := due[s.ID]; ok {
			lag = append(lag, ms(s.ArrivalNS-zero-at))
		}
	}
	out := stats(lag)
	out.Missing = len(due) - len(lag)
	return out, cpu, nil
}
