package recorder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
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

// forward sends the request upstream through the proxy and streams the
// answer to w; when the upstream cannot be reached it answers 502 itself.
// It returns the status, the response headers, the captured response body
// (bounded) and any transport error (its URL without query).
func (r *Recorder) forward(ctx context.Context, w http.ResponseWriter, req *http.Request, body []byte) (int, http.Header, []byte, error) {
	status, hdr, capture, err := r.proxy.Forward(ctx, w, req, body)
	if status != 0 {
		return status, hdr, capture, err
	}
	err = withoutQuery(err)
	msg := "tcobench record: upstream unreachable: " + err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "tcobench record: client went away or the recording stopped"
	}
	http.Error(w, msg, http.StatusBadGateway)
	return http.StatusBadGateway, nil, nil, err
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
