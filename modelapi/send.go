package modelapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// send posts body to url and returns the response when its headers arrived
// with a 2xx status. Otherwise it marks the attempt failed and returns nil.
// The caller must call done (which releases the request's timeout) when it
// has finished with the response.
func send(ctx context.Context, client *http.Client, o *Options, clk Clock, a *runrecord.Attempt, url string, body []byte) (resp *http.Response, done context.CancelFunc) {
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if o.Timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, o.Timeout)
	}
	var wrote atomic.Int64
	var conn connSpan
	rctx = httptrace.WithClientTrace(rctx, conn.trace(clk, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.CompareAndSwap(0, clk.Now()) },
	}))
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		cancel()
		fail(a, clk, runrecord.ErrOther, err.Error())
		return nil, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream, application/x-ndjson")
	setJoinKeys(req.Header, a)
	authorize(req, o.APIKey)
	a.SentNS = clk.Now()
	resp, err = client.Do(req)
	now := clk.Now()
	if w := wrote.Load(); w > 0 && w <= now {
		a.SentNS = w
	}
	a.ConnectNS = conn.duration(a.SentNS)
	if err != nil {
		cancel()
		a.EndNS = now
		fail(a, clk, classifyConnect(ctx, err), err.Error())
		return nil, nil
	}
	a.HeadersNS = now
	a.HTTPStatus = resp.StatusCode
	a.ServerRequestID = serverRequestID(resp.Header)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		resp.Body.Close()
		cancel()
		a.EndNS = clk.Now()
		fail(a, clk, runrecord.ErrHTTPStatus, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg)))
		return nil, nil
	}
	return resp, cancel
}

// drainLimit and drainWait bound what is read after a stream's terminator
// so that the connection goes back to the pool (closing an unread body
// closes the connection, and a new one per request would skew TTFT and
// exhaust ports at high rates). drainSync is how long the caller waits for
// the drain: the body's end (HTTP/1.1's last chunk) normally follows the
// terminator within microseconds, and waiting for it puts the connection
// back in the pool before the next request of the same user looks for
// one; without the wait about 2 % of a closed loop's requests opened a
// new connection, and those made its TTFT tail.
const (
	drainLimit = 64 << 10
	drainWait  = time.Second
	drainSync  = time.Millisecond
)

// streamDone drains and closes the response body, then releases the
// request; it returns when that is done or after drainSync, the rest
// going on in the background.
func streamDone(resp *http.Response, cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.AfterFunc(drainWait, cancel)
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		resp.Body.Close()
		t.Stop()
		cancel()
	}()
	t := time.NewTimer(drainSync)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// chunkCap is the initial capacity of an attempt's chunk arrays: the output
// limit when known (bounded), so the hot path rarely grows them.
func chunkCap(maxTokens int) int {
	switch {
	case maxTokens <= 0:
		return 64
	case maxTokens > 1024:
		return 1024 // longer outputs grow the slices; 10,000 streams stay small
	}
	return maxTokens + 1
}

// connSpan is the time spent opening a new connection for a request (DNS,
// TCP connect, TLS handshake): from the first of those starting to the last
// ending. It stays zero when a pooled connection is reused.
type connSpan struct{ start, end atomic.Int64 }

// trace adds the connection hooks to t.
func (c *connSpan) trace(clk Clock, t *httptrace.ClientTrace) *httptrace.ClientTrace {
	begin := func() { c.start.CompareAndSwap(0, clk.Now()) }
	finish := func() { c.end.Store(clk.Now()) }
	t.DNSStart = func(httptrace.DNSStartInfo) { begin() }
	t.ConnectStart = func(string, string) { begin() }
	t.TLSHandshakeStart = begin
	t.ConnectDone = func(string, string, error) { finish() }
	t.TLSHandshakeDone = func(tls.ConnectionState, error) { finish() }
	return t
}

// duration is the connection time in ns before sent (0: none opened). A
// dial that ends after the send (the request got another connection) counts
// only up to the send.
func (c *connSpan) duration(sent int64) int64 {
	s, e := c.start.Load(), min(c.end.Load(), sent)
	if s == 0 || e <= s {
		return 0
	}
	return e - s
}
