package load

import (
	"context"
	"sync"
	"testing"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

func mustBackend(t *testing.T, target string) modelapi.Backend {
	t.Helper()
	b, err := modelapi.New(modelapi.Target{URL: target, API: modelapi.KindOpenAIChat}, modelapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recordingBackend notes how many messages each request carried.
type recordingBackend struct {
	modelapi.Backend
	mu   sync.Mutex
	msgs *[]int
}

func (r *recordingBackend) Do(ctx context.Context, clk modelapi.Clock, req *modelapi.Request, a *runrecord.Attempt) []byte {
	r.mu.Lock()
	*r.msgs = append(*r.msgs, len(req.Messages))
	r.mu.Unlock()
	return r.Backend.Do(ctx, clk, req, a)
}
