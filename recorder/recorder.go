// Package recorder is the recording proxy behind `tcobench record`: an
// OpenAI-compatible reverse proxy that passes requests and streamed responses
// through unchanged and appends each chat call to a tcobench JSONL trace as
// soon as it finishes.
//
// No credential reaches the trace: the values of credential headers
// (CredentialHeaders), query parameters and body fields (CredentialParams),
// and of the upstream URL's user information and query, are removed from
// every string written (messages, outputs, errors, task ids), in every
// encoding they may reappear in (as sent, query- and path-escaped, JSON-escaped).
// Message text is the workload and is kept unless Options.Redact is set.
package recorder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// Headers that group recorded calls.
const (
	TaskHeader = "X-Tcobench-Task"
	StepHeader = "X-Tcobench-Step"
)

// maxCapture bounds how much of a response is kept for parsing usage and output.
const maxCapture = 16 << 20

// DefaultMaxBody is the default bound on a request body (Options.MaxBodyBytes).
const DefaultMaxBody = 32 << 20

// Options configures a Recorder.
type Options struct {
	Upstream *url.URL
	// Out receives the trace: a header line, then one call a line, each
	// written as soon as the call finishes (so in completion order; the
	// header says so and readers sort by arrival).
	Out io.Writer
	// Redact keeps only lengths and content hashes of messages and outputs.
	Redact bool
	// Name names the recorded workload.
	Name string
	// CredentialHeaders and CredentialParams name more request headers and
	// query parameters (or JSON body fields) whose values are credentials,
	// beside CredentialHeaders and CredentialParams of this package.
	CredentialHeaders []string
	CredentialParams  []string
	// MaxBodyBytes bounds a request body (default DefaultMaxBody). A larger
	// request is answered 413, not forwarded, and counted in Stats.Refused.
	MaxBodyBytes int64
	// Client sends upstream requests (default: no timeout, no compression).
	Client *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Stats counts what a recording did.
type Stats struct {
	// Calls is the number of finished calls written.
	Calls int
	// Unfinished is the number of calls still open when the recording
	// stopped: written, marked unfinished, without their answer.
	Unfinished int
	// Refused is the number of chat calls not forwarded (body over the limit).
	Refused int
	// Unwritten is the number of calls that could not be written (see Err).
	Unwritten int
}

// Lost is the number of calls whose answer is not in the trace.
func (s Stats) Lost() int { return s.Unfinished + s.Refused + s.Unwritten }

// Recorder is an http.Handler that proxies to the upstream and records calls.
type Recorder struct {
	o     Options
	proxy *modelapi.Proxy
	names credNames
	// upSecrets are the credentials in the upstream URL itself.
	upSecrets []string

	mu      sync.Mutex
	enc     *json.Encoder
	err     error
	t0      time.Time
	nextSeq int
	open    map[int]*openCall
	stopped bool
	stats   Stats
}

// openCall is a call in flight.
type openCall struct {
	call    *workloads.Call
	secrets *secrets
	arrived time.Time
	cancel  context.CancelFunc
}

// New writes the trace header and returns a Recorder.
func New(o Options) (*Recorder, error) {
	if o.Upstream == nil || o.Upstream.Host == "" {
		return nil, errors.New("record: upstream URL needs a scheme and host, e.g. http://127.0.0.1:11434")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Name == "" {
		o.Name = "recorded"
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBody
	}
	r := &Recorder{o: o, names: newCredNames(o.CredentialHeaders, o.CredentialParams), open: map[int]*openCall{},
		proxy: modelapi.NewProxy(o.Upstream, o.Client, maxCapture)}
	var up secrets
	up.addURL(r.names, o.Upstream)
	r.upSecrets = up.vals
	r.enc = json.NewEncoder(o.Out)
	r.enc.SetEscapeHTML(false)
	h := workloads.TraceHeader{Format: workloads.TraceFormat, Version: workloads.FormatVersion, Name: o.Name,
		Source: "tcobench record, upstream " + safeURL(o.Upstream), Replay: workloads.ReplayRecorded,
		Arrival: workloads.TraceArrival{Process: runrecord.ArrivalTrace}, Redacted: o.Redact,
		Order:           workloads.OrderCompletion,
		TimestampPolicy: "arrival at the proxy, from the first recorded call"}
	if err := r.enc.Encode(h); err != nil {
		return nil, fmt.Errorf("record: write trace header: %w", err)
	}
	return r, nil
}

// Calls returns how many finished calls have been written.
func (r *Recorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats.Calls
}

// Stats returns the counts so far.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Err returns the first error writing the trace.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func isChat(p string) bool {
	return strings.HasSuffix(p, "/chat/completions") || strings.HasSuffix(p, "/completions")
}

// begin numbers a chat call in arrival order, parses its request and keeps
// it open until finish or Stop. ok is false once the recording stopped.
func (r *Recorder) begin(arrived time.Time, req *http.Request, body []byte, cancel context.CancelFunc) (int, bool) {
	sec := r.callSecrets(req, body)
	c := &workloads.Call{Task: sec.scrub(req.Header.Get(TaskHeader)), Step: sec.scrub(req.Header.Get(StepHeader))}
	parseRequest(c, body, r.o.Redact, sec)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return 0, false
	}
	if r.nextSeq == 0 {
		r.t0 = arrived
	}
	seq := r.nextSeq
	r.nextSeq++
	c.AtNS = max(arrived.Sub(r.t0).Nanoseconds(), 0)
	r.open[seq] = &openCall{call: c, secrets: sec, arrived: arrived, cancel: cancel}
	return seq, true
}

// callSecrets collects the credentials of one call: its headers, query and
// body, and the upstream URL's.
func (r *Recorder) callSecrets(req *http.Request, body []byte) *secrets {
	s := &secrets{vals: append([]string(nil), r.upSecrets...)}
	s.addHeaders(r.names, req.Header)
	s.addURL(r.names, req.URL)
	s.addBody(r.names, body)
	return s.done()
}

// finish completes an open call from its response and writes it at once.
// A call that Stop already wrote as unfinished is not written again.
func (r *Recorder) finish(seq int, status int, respHeader http.Header, capture []byte, upErr error) {
	r.mu.Lock()
	oc, ok := r.open[seq]
	var c workloads.Call
	var sec secrets
	if ok { // copies: Stop may write the open call meanwhile
		c, sec.vals = *oc.call, append([]string(nil), oc.secrets.vals...)
	}
	r.mu.Unlock()
	if !ok {
		return
	}
	sec.addHeaders(r.names, respHeader)
	sec.done()
	c.LatencyNS = r.o.Now().Sub(oc.arrived).Nanoseconds()
	c.Status = status
	finishCall(&c, capture, upErr, r.o.Redact, &sec)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, still := r.open[seq]; !still {
		return
	}
	delete(r.open, seq)
	if r.write(&c) {
		r.stats.Calls++
	}
}

// write encodes one call line; it reports whether the line was written.
func (r *Recorder) write(c *workloads.Call) bool {
	if r.err == nil {
		if err := r.enc.Encode(c); err != nil {
			r.err = fmt.Errorf("record: write trace: %w", err)
		}
	}
	if r.err != nil {
		r.stats.Unwritten++
		return false
	}
	return true
}

// refuse counts a chat call that was not forwarded.
func (r *Recorder) refuse() {
	r.mu.Lock()
	r.stats.Refused++
	r.mu.Unlock()
}

// UnfinishedError is the error recorded for a call still open when the
// recording stopped.
const UnfinishedError = "unfinished: the recording stopped before the upstream answered; no response recorded"

// Stop ends the recording: every call still open is written at once,
// marked unfinished (status 0, UnfinishedError), and its upstream request
// canceled; calls arriving later are refused and nothing more is written.
// It returns the final counts; Stats.Lost says how many answers are missing.
func (r *Recorder) Stop() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return r.stats
	}
	r.stopped = true
	seqs := make([]int, 0, len(r.open))
	for s := range r.open {
		seqs = append(seqs, s)
	}
	sortInts(seqs)
	now := r.o.Now()
	for _, s := range seqs {
		oc := r.open[s]
		delete(r.open, s)
		oc.cancel()
		c := oc.call
		c.LatencyNS, c.Status, c.Error = now.Sub(oc.arrived).Nanoseconds(), 0, UnfinishedError
		if r.write(c) {
			r.stats.Unfinished++
		}
	}
	return r.stats
}

func digest(role, s string) workloads.Digest {
	h := sha256.Sum256([]byte(s))
	return workloads.Digest{Role: role, Chars: len(s), SHA256: hex.EncodeToString(h[:])}
}
