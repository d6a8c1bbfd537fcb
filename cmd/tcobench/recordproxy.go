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

// recordOptions are `tcobench record`'s flags.
type recordOptions struct {
	Listen, Upstream, Out, Name string
	Redact                      bool
}

func newRecordCmd(a *app) *cobra.Command {
	var o recordOptions
	cmd := &cobra.Command{
		Use:   "record --upstream URL --out FILE",
		Short: "Capture real traffic through an OpenAI-compatible proxy as a workload",
		Long:  helpText("record"),
		Example: `  tcobench record --upstream http://127.0.0.1:11434 --out traces/support.jsonl
  # point the application at http://127.0.0.1:8088/v1 instead of :11434/v1, then
  tcobench run --workload traces/support.jsonl --model llama3`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.record(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Listen, "listen", "127.0.0.1:8088", "address to listen on (loopback by default)")
	f.StringVar(&o.Upstream, "upstream", "", "model server base URL, e.g. http://127.0.0.1:11434")
	f.StringVar(&o.Out, "out", "", "trace file to append to (JSONL)")
	f.BoolVar(&o.Redact, "redact", false, "record only lengths and content hashes, no message text")
	f.StringVar(&o.Name, "name", "", "workload name in the trace header (default: the file's base name)")
	return cmd
}

func (a *app) record(ctx context.Context, o recordOptions) error {
	up, out := o.Upstream, o.Out
	if up == "" || out == "" {
		return usageErrorf("record: --upstream and --out are required")
	}
	u, err := url.Parse(up)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return usageErrorf("record: --upstream %q: want http://HOST:PORT", up)
	}
	name := o.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return usageErrorf("record: %v (a trace is never overwritten)", err)
	}
	defer f.Close()
	rec, err := recorder.New(recorder.Options{Upstream: u, Out: f, Redact: o.Redact, Name: name})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return usageErrorf("record: %v", err)
	}
	srv := &http.Server{Handler: rec, ReadHeaderTimeout: 30 * time.Second}
	fmt.Fprintf(a.errOut, "recording http://%s -> %s into %s (redact %v); Ctrl-C stops\n", ln.Addr(), u.Redacted(), out, o.Redact)
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
