package recorder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ServeHTTP forwards the request and streams the response back, flushing each
// chunk as it arrives; chat calls are recorded.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	arrived := r.o.Now()
	record := req.Method == http.MethodPost && isChat(req.URL.Path)
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.o.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			if record {
				r.refuse()
			}
			http.Error(w, fmt.Sprintf("tcobench record: request body over the proxy's limit of %d MiB: not forwarded, not recorded", r.o.MaxBodyBytes>>20), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "tcobench record: reading request: "+err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithCancel(req.Context())
	defer cancel()
	seq := -1
	if record {
		s, ok := r.begin(arrived, req, body, cancel)
		if !ok {
			http.Error(w, "tcobench record: the recording has stopped", http.StatusServiceUnavailable)
			return
		}
		seq = s
	}
	status, hdr, capture, upErr := r.forward(ctx, w, req, body)
	if seq >= 0 {
		r.finish(seq, status, hdr, capture, upErr)
	}
}

// hopHeaders are not forwarded (RFC 9110 section 7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward sends the request upstream and streams the answer to w. It returns
// the status, the response headers, the captured response body (bounded)
// and any transport error (its URL without query).
func (r *Recorder) forward(ctx context.Context, w http.ResponseWriter, req *http.Request, body []byte) (int, http.Header, []byte, error) {
	u := *r.o.Upstream
	u.Path = strings.TrimRight(u.Path, "/") + req.URL.Path
	u.RawQuery = joinQuery(u.RawQuery, req.URL.RawQuery)
	out, err := http.NewRequestWithContext(ctx, req.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		err = withoutQuery(err)
		http.Error(w, "tcobench record: "+err.Error(), http.StatusBadGateway)
		return http.StatusBadGateway, nil, nil, err
	}
	out.Header = req.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	out.Header.Del("Accept-Encoding") // keep the body readable for the recording
	resp, err := r.o.Client.Do(out)
	if err != nil {
		err = withoutQuery(err)
		msg := "tcobench record: upstream unreachable: " + err.Error()
		if errors.Is(err, context.Canceled) {
			msg = "tcobench record: client went away or the recording stopped"
		}
		http.Error(w, msg, http.StatusBadGateway)
		return http.StatusBadGateway, nil, nil, err
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
	return resp.StatusCode, resp.Header, capture, err
}

// joinQuery joins the upstream URL's query and the request's.
func joinQuery(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}

// withoutQuery drops the query and user information from the URL of a
// client error (where credentials may be), keeping the cause.
func withoutQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		return &url.Error{Op: ue.Op, URL: safeURL(u), Err: ue.Err}
	}
	return &url.Error{Op: ue.Op, URL: "(upstream)", Err: ue.Err}
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

// Serve proxies and records on ln until ctx is done, then stops the way
// Ctrl-C should: no new connections, calls in flight get grace to finish,
// then the calls still open are written marked unfinished (Stop) and their
// connections closed. It returns the final counts; the error is the
// listener's failure or the first error writing the trace.
func (r *Recorder) Serve(ctx context.Context, ln net.Listener, grace time.Duration) (Stats, error) {
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			serveErr = fmt.Errorf("record: %w", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	_ = srv.Shutdown(sctx) // waits for the calls in flight, up to grace
	st := r.Stop()
	_ = srv.Close()
	return st, errors.Join(serveErr, r.Err())
}

func sortInts(xs []int) { slices.Sort(xs) }
