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

// IngestTokens is the length of every stream in the ingestion benchmark.
const IngestTokens = 256

// IngestResult is stream ingestion at one concurrency: tokens per second
// recorded end to end, and this process's CPU time per token (user +
// system; the server is another process), for the engine and the minimal
// client. CPU per token is the steadier figure on a shared machine.
type IngestResult struct {
	Streams                   int
	Engine, Minimal           float64 // tokens/s
	EngineCPUNS, MinimalCPUNS float64 // ns of client CPU per token
	// ServerCPUNS is the fake server's CPU per token (during the engine's
	// run): the two share the machine, so client CPU is taken from it.
	ServerCPUNS float64
}

// Ingestion measures stream ingestion at streams concurrent streams (closed
// loop, zero-delay server) for about d, by the engine and by the minimal
// client.
func Ingestion(ctx context.Context, streams int, d time.Duration) (IngestResult, error) {
	r := IngestResult{Streams: streams}
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: IngestTokens})
	if err != nil {
		return r, err
	}
	defer srv.Close()
	c0 := cpuTime()
	var tokens int64
	r.Minimal, tokens, err = minimalClosed(ctx, srv.URL, streams, d)
	if err != nil {
		return r, err
	}
	r.MinimalCPUNS = float64(cpuTime()-c0) / float64(max(tokens, 1))
	s0 := srv.CPU()
	h, err := harnessRun(ctx, srv.URL, IngestTokens, load.Closed{Users: streams}, load.Limits{Duration: d}, false)
	if err != nil {
		return r, err
	}
	n := float64(max(h.run.Summary.TokenTotals.Output, 1))
	r.EngineCPUNS, r.ServerCPUNS = float64(h.cpu)/n, float64(srv.CPU()-s0)/n
	r.Engine = h.run.Summary.Throughput.OutputTokensPerS
	return r, nil
}

// minimalClosed runs streams closed-loop users of the minimal client until
// d has passed (each finishing its last stream) and returns tokens per
// second over the time to the last stream's end, and the token count.
func minimalClosed(ctx context.Context, url string, streams int, d time.Duration) (float64, int64, error) {
	m := newMinimal(url, IngestTokens)
	defer m.close()
	var total atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	var seq atomic.Int64
	for u := 0; u < streams; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				n, _, err := m.do(ctx, "m"+strconv.FormatInt(seq.Add(1), 10))
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				total.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds(), total.Load(), firstErr
}
