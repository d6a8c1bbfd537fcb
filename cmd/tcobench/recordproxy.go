package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/recorder"
)

func newRecordCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "record --upstream URL --out FILE",
		Short: "Capture real traffic through an OpenAI-compatible proxy as a workload",
		Long: `record runs an OpenAI-compatible reverse proxy: point your application at
--listen instead of the model server. Requests and streamed responses pass
through unchanged (each chunk is flushed as it arrives); every chat call is
appended to --out as a tcobench JSONL trace: arrival time, task id (request
header X-Tcobench-Task; X-Tcobench-Step names the step), model, messages,
usage, latency, status. Upstream errors are passed through and recorded.
--redact keeps only lengths and SHA-256 hashes of messages and outputs.
Credentials (Authorization, API-key headers, api_key fields) are never
written. Stop with Ctrl-C; replay with: tcobench run --workload FILE.`,
		Example: `  tcobench record --upstream http://127.0.0.1:11434 --out traces/support.jsonl
  # point the application at http://127.0.0.1:8088/v1 instead of :11434/v1, then
  tcobench run --workload traces/support.jsonl --model llama3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRecord(cmd.Context(), a)
		},
	}
	f := cmd.Flags()
	f.String("listen", "127.0.0.1:8088", "address to listen on (loopback by default)")
	f.String("upstream", "", "model server base URL, e.g. http://127.0.0.1:11434")
	f.String("out", "", "trace file to append to (JSONL)")
	f.Bool("redact", false, "record only lengths and content hashes, no message text")
	f.String("name", "", "workload name in the trace header (default: the file's base name)")
	return cmd
}

func runRecord(ctx context.Context, a *app) error {
	up, out := a.v.GetString("upstream"), a.v.GetString("out")
	if up == "" || out == "" {
		return usageErrorf("record: --upstream and --out are required")
	}
	u, err := url.Parse(up)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return usageErrorf("record: --upstream %q: want http://HOST:PORT", up)
	}
	name := a.v.GetString("name")
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return withExit(2, fmt.Errorf("record: %w (a trace is never overwritten)", err))
	}
	defer f.Close()
	rec, err := recorder.New(recorder.Options{Upstream: u, Out: f, Redact: a.v.GetBool("redact"), Name: name})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.v.GetString("listen"))
	if err != nil {
		return withExit(2, fmt.Errorf("record: %w", err))
	}
	srv := &http.Server{Handler: rec, ReadHeaderTimeout: 30 * time.Second}
	fmt.Fprintf(a.errOut, "recording http://%s -> %s into %s (redact %v); Ctrl-C stops\n", ln.Addr(), u.Redacted(), out, a.v.GetBool("redact"))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("record: %w", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	fmt.Fprintf(a.errOut, "recorded %d call(s) into %s\n", rec.Calls(), out)
	if err := rec.Err(); err != nil {
		return err
	}
	return f.Sync()
}
