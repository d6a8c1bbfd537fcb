package bench

import (
	"context"
	"sync"
	"testing"

	"github.com/tcobench/tcobench/bench/backend"
	"github.com/tcobench/tcobench/bench/record"
)

func mustBackend(t *testing.T, target string) backend.Backend {
	t.Helper()
	b, err := backend.New(backend.KindOpenAIChat, target, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recordingBackend notes how many messages each request carried.
type recordingBackend struct {
	backend.Backend
	mu   sync.Mutex
	msgs *[]int
}

func (r *recordingBackend) Do(ctx context.Context, clk backend.Clock, req *backend.Request, a *record.Attempt) []byte {
	r.mu.Lock()
	*r.msgs = append(*r.msgs, len(req.Messages))
	r.mu.Unlock()
	return r.Backend.Do(ctx, clk, req, a)
}
