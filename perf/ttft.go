package perf

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
)

// TTFT benchmark stream shape: first token 20 ms after arrival, then a
// token every 2 ms (as in shared/reference/peer-figures.md).
const (
	ttftTokens     = 16
	ttftFirstDelay = 20 * time.Millisecond
	ttftTokenDelay = 2 * time.Millisecond
)

// TTFTError measures timing error under load at streams concurrent
// closed-loop streams over d, for the engine and the minimal client: the
// TTFT the client recorded (first token − send) minus the server's own
// (first token flushed − request arrived), which is the first token's
// arrival at the client minus the server's flush of it plus the request's
// send-to-arrival time.
func TTFTError(ctx context.Context, streams int, d time.Duration) (engine, limit Stats, err error) {
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: ttftTokens, FirstTokenDelay: ttftFirstDelay,
		TokenDelay: ttftTokenDelay, Log: true})
	if err != nil {
		return engine, limit, err
	}
	defer srv.Close()
	h, err := harnessRun(ctx, srv.URL, ttftTokens, load.Closed{Users: streams}, load.Limits{Duration: d}, true)
	if err != nil {
		return engine, limit, err
	}
	st, err := srv.Stamps(ctx)
	if err != nil {
		return engine, limit, err
	}
	byID := make(map[string]fakeserver.Stamp, len(st))
	for _, s := range st {
		byID[s.RequestID] = s
	}
	atts := h.atts
	var errs []float64
	fresh := 0
	for i := range atts {
		a := &atts[i]
		if s, ok := byID[a.RequestID]; ok && a.FirstTokenNS > 0 && s.FirstTokenNS > 0 {
			errs = append(errs, ms((a.FirstTokenNS-a.SentNS)-(s.FirstTokenNS-s.ArrivalNS)))
			if a.ConnectNS > 0 {
				fresh++
			}
		}
	}
	engine = stats(errs)
	engine.Fresh = fresh
	limit, err = minimalTTFT(ctx, srv, streams, d)
	return engine, limit, err
}

func minimalTTFT(ctx context.Context, srv *Server, streams int, d time.Duration) (Stats, error) {
	m := newMinimal(srv.URL, ttftTokens)
	defer m.close()
	var mu sync.Mutex
	seen := map[string][2]int64{} // send, first token (Unix ns)
	var seq atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for u := 0; u < streams; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				id := "m" + strconv.FormatInt(seq.Add(1), 10)
				sent := time.Now()
				_, first, err := m.do(ctx, id)
				if err != nil {
					return
				}
				mu.Lock()
				seen[id] = [2]int64{sent.UnixNano(), first.UnixNano()}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st, err := srv.Stamps(ctx)
	if err != nil {
		return Stats{}, err
	}
	var errs []float64
	for _, s := range st {
		if t, ok := seen[s.ID]; ok && s.FirstTokenNS > 0 && t[1] > 0 {
			errs = append(errs, ms((t[1]-t[0])-(s.FirstTokenNS-s.ArrivalNS)))
		}
	}
	return stats(errs), nil
}
