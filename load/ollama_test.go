package load

import (
	"context"
	"testing"
	"time"

	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// Tolerances of the comparison with the server's own account. The harness
// sees the request later (network, HTTP parsing) and the end later (the last
// chunk's transfer) than the server's clock: slack is for that and for a busy
// 2-core machine.
const (
	slackNS   = int64(500 * time.Millisecond) // a race binary shares the CPU with the model server
	tokenDiff = 1                             // a stream may count one token the usage does not
)

func TestAgainstLocalOllama(t *testing.T) {
	if testing.Short() {
		t.Skip("real server: skipped in -short")
	}
	localservertest.Exclusive(t) // it checks TTFT against the server's own log
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	const maxTokens = 16
	for _, kind := range []string{modelapi.KindOllama, modelapi.KindOpenAIChat, modelapi.KindOpenAICompletions} {
		t.Run(kind, func(t *testing.T) {
			cfg := Config{OutDir: t.TempDir(), Target: modelapi.Target{URL: srv.URL(), API: kind, Model: srv.Model()},
				Plan:     SimplePlan(32, maxTokens),
				Schedule: Closed{Users: 1},
				Limits:   Limits{Count: 3, RequestTimeout: time.Minute}}
			run, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			atts, err := runrecord.LoadAttempts(cfg.OutDir)
			if err != nil || len(atts) != 3 {
				t.Fatalf("%d attempts, err %v", len(atts), err)
			}
			for _, a := range atts {
				checkAgainstServer(t, kind, &a)
			}
			if run.Environment.Server.Version == "" {
				t.Errorf("server version not recorded: %+v", run.Environment.Server)
			}
		})
	}
}

func checkAgainstServer(t *testing.T, kind string, a *runrecord.Attempt) {
	t.Helper()
	if !a.OK {
		t.Fatalf("attempt failed: %s %s", a.ErrorClass, a.Error)
	}
	tk := a.Tokens
	if tk.Source != runrecord.TokensFromUsage || tk.Output < 1 || tk.Output > 16 || tk.Input < 1 {
		t.Errorf("tokens %+v: want the server's usage, 1..16 output tokens", tk)
	}
	// Chunks never outnumber tokens; with a random-weights model several
	// tokens often share a chunk (the server holds back partial UTF-8), so
	// the stream count may be lower: that is the disagreement the summary reports.
	if tk.StreamOutput < 1 || tk.StreamOutput > tk.Output+tokenDiff || len(a.ChunkNS) != tk.StreamOutput {
		t.Errorf("usage says %d output tokens, the stream carried %d in %d chunks", tk.Output, tk.StreamOutput, len(a.ChunkNS))
	}
	ttft, e2e := a.FirstTokenNS-a.SentNS, a.EndNS-a.SentNS
	if ttft <= 0 || e2e < ttft {
		t.Fatalf("ttft %d ns, e2e %d ns", ttft, e2e)
	}
	if kind != modelapi.KindOllama {
		return
	}
	s := a.Server
	if s == nil || s.EvalTok != tk.Output || s.PromptEvalTok != tk.Input {
		t.Fatalf("server timings %+v do not match tokens %+v", s, tk)
	}
	// E2E from the harness is the server's total plus transport, never less.
	if e2e < s.TotalNS-int64(5*time.Millisecond) || e2e > s.TotalNS+slackNS {
		t.Errorf("e2e %v, server total %v: want within [-5ms, +%v]", time.Duration(e2e), time.Duration(s.TotalNS), time.Duration(slackNS))
	}
	// The first token cannot come before the model was loaded and the prompt evaluated.
	if pre := s.LoadNS + s.PromptEvalNS; ttft < pre-int64(5*time.Millisecond) || ttft > s.TotalNS-s.EvalNS+slackNS+s.EvalNS/int64(max(1, s.EvalTok)) {
		t.Errorf("ttft %v, server load+prompt eval %v, total-eval %v", time.Duration(ttft), time.Duration(pre), time.Duration(s.TotalNS-s.EvalNS))
	}
}
