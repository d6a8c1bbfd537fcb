package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
)

// A run against a server with Nagle's algorithm on: the report carries the
// stall warning and labels the latency figures; without it, neither.
func TestReportNamesTCPStall(t *testing.T) {
	for _, nagle := range []bool{true, false} {
		ctx, cancel := context.WithCancel(context.Background())
		srv := fakeserver.New(fakeserver.Options{Tokens: 8, FirstTokenDelay: 20 * time.Millisecond, TokenDelay: 2 * time.Millisecond, Nagle: nagle})
		addr, _, err := srv.Listen(ctx, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "run")
		_, err = load.Run(ctx, load.Config{OutDir: dir, Target: modelapi.Target{URL: "http://" + addr, API: modelapi.KindOpenAIChat, Model: "fake"},
			Plan: load.SimplePlan(16, 8), Schedule: load.Closed{Users: 1}, Limits: load.Limits{Count: 12}})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		md := render(t, dir, "md")
		warned := strings.Contains(md, "TCP stall") && strings.Contains(md, "TCP\\_NODELAY")
		labelled := strings.Contains(md, "TTFT p99 (includes a TCP stall)")
		if warned != nagle || labelled != nagle {
			t.Errorf("nagle %v: warning %v, label %v in\n%s", nagle, warned, labelled, md)
		}
	}
}
