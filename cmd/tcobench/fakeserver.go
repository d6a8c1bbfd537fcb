package main

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/fakeserver"
)

// newFakeServerCmd serves the zero-work streaming server of the self-benchmarks.
func newFakeServerCmd(a *app) *cobra.Command {
	var o fakeserver.Options
	var listen string
	cmd := &cobra.Command{
		Use:   "fakeserver",
		Short: "Serve a zero-work streaming model server for self-benchmarks",
		Long: `Serve a zero-work model server on loopback that streams a fixed number of
tokens per request (OpenAI-compatible SSE on /v1/chat/completions and
/v1/completions, Ollama JSON lines on /api/chat) with configured delays, and
stamps its own times: the header ` + fakeserver.ArrivalHeader + `, a "t" field
(Unix ns) in every chunk, and with --log a per-request record at GET /fake/stamps.
It measures tcobench itself (docs/performance.md), not a model. It runs until
Ctrl-C (or SIGTERM).`,
		Example: `  tcobench fakeserver --listen 127.0.0.1:8099 --first-token-delay 20ms --token-delay 2ms
  tcobench run --target http://127.0.0.1:8099 --model fake --concurrency 4 --duration 10s --collectors none`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.fakeServer(cmd.Context(), listen, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8099", "address to listen on (host:port; port 0 picks one)")
	f.IntVar(&o.Tokens, "tokens", 0, "content tokens per response (0: the request's max_tokens / num_predict, else 16)")
	f.DurationVar(&o.TokenDelay, "token-delay", 0, "pause between tokens (0: as fast as the client reads)")
	f.DurationVar(&o.FirstTokenDelay, "first-token-delay", 0, "pause from a request's arrival to its first token")
	f.BoolVar(&o.Log, "log", false, "keep a per-request record of arrival and first-token times (GET /fake/stamps)")
	f.BoolVar(&o.Nagle, "nagle", false, "leave Nagle's algorithm on (TCP_NODELAY off), as some servers and proxies do, to show a TCP stall")
	return cmd
}

func (a *app) fakeServer(ctx context.Context, listen string, o fakeserver.Options) error {
	if o.Tokens < 0 || o.TokenDelay < 0 || o.FirstTokenDelay < 0 {
		return usageErrorf("fakeserver: --tokens, --token-delay and --first-token-delay must not be negative")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	addr, done, err := fakeserver.New(o).Listen(ctx, listen)
	if err != nil {
		return fmt.Errorf("fakeserver: %w", err)
	}
	fmt.Fprintf(a.out, "fakeserver listening on http://%s (tokens %d, first-token delay %s, token delay %s)\n",
		addr, o.Tokens, o.FirstTokenDelay, o.TokenDelay)
	return <-done
}
