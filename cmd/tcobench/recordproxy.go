package main

import (
	"context"
	"errors"
	"fmt"
	"net"
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
	CredHeaders, CredParams     []string
	MaxBody                     int64
	Grace                       time.Duration
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
	f.StringVar(&o.Out, "out", "", "new trace file to write (JSONL); an existing file is refused, never overwritten")
	f.BoolVar(&o.Redact, "redact", false, "record only lengths and content hashes, no message text")
	f.StringVar(&o.Name, "name", "", "workload name in the trace header (default: the file's base name)")
	f.StringSliceVar(&o.CredHeaders, "credential-header", nil, "more request headers that carry credentials, never written (repeatable)")
	f.StringSliceVar(&o.CredParams, "credential-param", nil, "more query parameters or JSON body fields that carry credentials, never written (repeatable)")
	f.Int64Var(&o.MaxBody, "max-body", recorder.DefaultMaxBody, "largest request body forwarded and recorded, bytes (a larger one is answered 413)")
	f.DurationVar(&o.Grace, "grace", 10*time.Second, "after Ctrl-C, how long calls in flight may finish before they are written unfinished")
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
	if o.Name == "" {
		o.Name = strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return usageErrorf("record: %v (a trace is never overwritten)", err)
	}
	defer f.Close()
	rec, err := recorder.New(recorder.Options{Upstream: u, Out: f, Redact: o.Redact, Name: o.Name,
		CredentialHeaders: o.CredHeaders, CredentialParams: o.CredParams, MaxBodyBytes: o.MaxBody})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return usageErrorf("record: %v", err)
	}
	fmt.Fprintf(a.errOut, "recording http://%s -> %s into %s (redact %v); Ctrl-C stops\n", ln.Addr(), u.Redacted(), out, o.Redact)
	st, err := rec.Serve(ctx, ln, o.Grace)
	fmt.Fprintf(a.errOut, "recorded %d call(s) into %s; %d unfinished (written without their answer), %d refused (body over the limit), %d not written\n",
		st.Calls, out, st.Unfinished, st.Refused, st.Unwritten)
	if err := errors.Join(err, f.Sync()); err != nil {
		return err
	}
	if n := st.Lost(); n > 0 {
		return fmt.Errorf("record: %d call(s) without their answer in %s", n, out)
	}
	return nil
}
