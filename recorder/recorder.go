// Package recorder is the recording proxy behind `tcobench record`: an
// OpenAI-compatible reverse proxy that passes requests and streamed responses
// through unchanged and appends each chat call to a tcobench JSONL trace.
package recorder

import (
	"github.com/tcobench/tcobench/runrecord"

	"bytes"
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

	"github.com/tcobench/tcobench/workloads"
)

// Headers that group recorded calls.
const (
	TaskHeader = "X-Tcobench-Task"
	StepHeader = "X-Tcobench-Step"
)

// maxCapture bounds how much of a response is kept for parsing usage and output.
const maxCapture = 16 << 20

// Options configures a Recorder.
type Options struct {
	Upstream *url.URL
	// Out receives the trace: a header line, then one call a line.
	Out io.Writer
	// Redact keeps only lengths and content hashes of messages and outputs.
	Redact bool
	// Name names the recorded workload.
	Name string
	// Client sends upstream requests (default: no timeout, no compression).
	Client *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Recorder is an http.Handler that proxies to the upstream and records calls.
type Recorder struct {
	o Options

	mu      sync.Mutex
	enc     *json.Encoder
	err     error
	t0      time.Time
	nextSeq int
	written int
	pending map[int]*workloads.Call
	count   int
}

// New writes the trace header and returns a Recorder.
func New(o Options) (*Recorder, error) {
	if o.Upstream == nil || o.Upstream.Host == "" {
		return nil, errors.New("record: upstream URL needs a scheme and host, e.g. http://127.0.0.1:11434")
	}
	if o.Client == nil {
		o.Client = &http.Client{Transport: &http.Transport{DisableCompression: true, Proxy: nil,
			MaxIdleConnsPerHost: 64, ResponseHeaderTimeout: 0}}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Name == "" {
		o.Name = "recorded"
	}
	r := &Recorder{o: o, pending: map[int]*workloads.Call{}}
	r.enc = json.NewEncoder(o.Out)
	r.enc.SetEscapeHTML(false)
	h := workloads.TraceHeader{Format: workloads.TraceFormat, Version: workloads.FormatVersion, Name: o.Name,
		Source: "tcobench record, upstream " + o.Upstream.Redacted(), Replay: workloads.ReplayRecorded,
		Arrival: workloads.TraceArrival{Process: runrecord.ArrivalTrace}, Redacted: o.Redact,
		TimestampPolicy: "arrival at the proxy, from the first recorded call"}
	if err := r.enc.Encode(h); err != nil {
		return nil, fmt.Errorf("record: write trace header: %w", err)
	}
	return r, nil
}

// Calls returns how many calls have been written.
func (r *Recorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.written
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

// ServeHTTP forwards the request and streams the response back, flushing each
// chunk as it arrives; chat calls are recorded.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	arrived := r.o.Now()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, "tcobench record: reading request: "+err.Error(), http.StatusBadRequest)
		return
	}
	record := req.Method == http.MethodPost && isChat(req.URL.Path)
	var seq int
	var call *workloads.Call
	if record {
		seq, call = r.begin(arrived, req, body)
	}
	status, capture, upErr := r.forward(w, req, body)
	if !record {
		return
	}
	call.LatencyNS = r.o.Now().Sub(arrived).Nanoseconds()
	call.Status = status
	finishCall(call, capture, upErr, r.o.Redact, secretsOf(req.Header, body))
	r.finish(seq, call)
}

// begin numbers a chat call in arrival order and parses its request.
func (r *Recorder) begin(arrived time.Time, req *http.Request, body []byte) (int, *workloads.Call) {
	r.mu.Lock()
	if r.nextSeq == 0 {
		r.t0 = arrived
	}
	seq := r.nextSeq
	r.nextSeq++
	at := arrived.Sub(r.t0).Nanoseconds()
	r.mu.Unlock()
	c := &workloads.Call{AtNS: max(at, 0), Task: req.Header.Get(TaskHeader), Step: req.Header.Get(StepHeader)}
	parseRequest(c, body, r.o.Redact)
	return seq, c
}

// finish writes calls in arrival order as soon as all earlier ones are done.
func (r *Recorder) finish(seq int, c *workloads.Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending[seq] = c
	for {
		next, ok := r.pending[r.written]
		if !ok {
			return
		}
		delete(r.pending, r.written)
		r.written++
		if r.err == nil {
			if err := r.enc.Encode(next); err != nil {
				r.err = fmt.Errorf("record: write trace: %w", err)
			}
		}
	}
}

// hopHeaders are not forwarded (RFC 9110 section 7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward sends the request upstream and streams the answer to w. It returns
// the status, the captured response body (bounded) and any transport error.
func (r *Recorder) forward(w http.ResponseWriter, req *http.Request, body []byte) (int, []byte, error) {
	u := *r.o.Upstream
	u.Path = strings.TrimRight(u.Path, "/") + req.URL.Path
	u.RawQuery = req.URL.RawQuery
	out, err := http.NewRequestWithContext(req.Context(), req.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, "tcobench record: "+err.Error(), http.StatusBadGateway)
		return http.StatusBadGateway, nil, err
	}
	out.Header = req.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	out.Header.Del("Accept-Encoding") // keep the body readable for the recording
	resp, err := r.o.Client.Do(out)
	if err != nil {
		msg := "tcobench record: upstream unreachable: " + err.Error()
		if errors.Is(err, context.Canceled) {
			msg = "tcobench record: client went away"
		}
		http.Error(w, msg, http.StatusBadGateway)
		return http.StatusBadGateway, nil, err
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	w.WriteHeader(resp.StatusCode)
	capture, err := pump(w, resp.Body)
	return resp.StatusCode, capture, err
}

// pump copies src to w, flushing after every read, and keeps a bounded copy.
func pump(w http.ResponseWriter, src io.Reader) ([]byte, error) {
	fl, _ := w.(http.Flusher)
	var capture bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return capture.Bytes(), fmt.Errorf("client write: %w", werr)
			}
			if fl != nil {
				fl.Flush()
			}
			if capture.Len() < maxCapture {
				capture.Write(buf[:min(n, maxCapture-capture.Len())])
			}
		}
		if errors.Is(err, io.EOF) {
			return capture.Bytes(), nil
		}
		if err != nil {
			return capture.Bytes(), fmt.Errorf("upstream read: %w", err)
		}
	}
}

func digest(role, s string) workloads.Digest {
	h := sha256.Sum256([]byte(s))
	return workloads.Digest{Role: role, Chars: len(s), SHA256: hex.EncodeToString(h[:])}
}
