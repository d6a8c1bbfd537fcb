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

// TTFTError measures timing error under load: the first token's arrival as
// the client recorded it minus the moment the server flushed it, at streams
// concurrent closed-loop streams over d, for the engine and the minimal
// client.
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
	first := firstTokens(st)
	zero, atts := h.run.StartedAt.UnixNano(), h.atts
	var errs []float64
	for i := range atts {
		if t, ok := first[atts[i].TaskID]; ok && atts[i].FirstTokenNS > 0 {
			errs = append(errs, ms(zero+atts[i].FirstTokenNS-t))
		}
	}
	engine = stats(errs)
	limit, err = minimalTTFT(ctx, srv, streams, d)
	return engine, limit, err
}

func minimalTTFT(ctx context.Context, srv *Server, streams int, d time.Duration) (Stats, error) {
	m := newMinimal(srv.URL, ttftTokens)
	defer m.close()
	var mu sync.Mutex
	seen := map[string]int64{}
	var seq atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for u := 0; u < streams; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				id := "m" + strconv.FormatInt(seq.Add(1), 10)
				_, first, err := m.do(ctx, id)
				if err != nil {
					return
				}
				mu.Lock()
				seen[id] = first.UnixNano()
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
		if t, ok := seen[s.ID]; ok && s.FirstTokenNS > 0 {
			errs = append(errs, ms(t-s.FirstTokenNS))
		}
	}
	return stats(errs), nil
}

func firstTokens(st []fakeserver.Stamp) map[string]int64 {
	m := make(map[string]int64, len(st))
	for _, s := range st {
		m[s.ID] = s.FirstTokenNS
	}
	return m
}
