package modelapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Opening a connection is recorded apart from the send, so dispatch lag
// (the harness's own delay) does not count it; the span lies before the send.
func TestConnectTimeRecorded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	be, err := New(Target{URL: srv.URL, API: KindOpenAIChat}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := NewClock(time.Now())
	before := clk.Now()
	a := &runrecord.Attempt{}
	be.Do(context.Background(), clk, &Request{Model: "m", Messages: []Message{{Role: "user", Content: "q"}}}, a)
	if !a.OK || a.ConnectNS <= 0 || a.ConnectNS > a.SentNS-before {
		t.Fatalf("ok %v connect %d ns, sent %d ns after the call: want a connection time within the time to the send", a.OK, a.ConnectNS, a.SentNS-before)
	}
	var c connSpan
	c.start.Store(100)
	c.end.Store(500)
	if d := c.duration(300); d != 200 {
		t.Fatalf("a dial ending after the send counts %d ns, want 200 (up to the send)", d)
	}
}
