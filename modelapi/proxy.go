package modelapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Proxy forwards requests to a model server as they come and streams each
// answer back unbuffered, every read flushed as it arrives, keeping a
// bounded copy of it: the upstream side of the record proxy.
type Proxy struct {
	Upstream *url.URL
	// Client sends the requests (default: no timeout, no compression, no
	// proxy from the environment).
	Client *http.Client
	// MaxCapture bounds the copy of each answer kept for the caller.
	MaxCapture int
}

// NewProxy returns a proxy to upstream keeping up to maxCapture bytes of
// each answer; a nil client gets the default.
func NewProxy(upstream *url.URL, client *http.Client, maxCapture int) *Proxy {
	if client == nil {
		client = &http.Client{Transport: &http.Transport{DisableCompression: true, Proxy: nil,
			MaxIdleConnsPerHost: 64, ResponseHeaderTimeout: 0}}
	}
	return &Proxy{Upstream: upstream, Client: client, MaxCapture: maxCapture}
}

// hopHeaders are not forwarded (RFC 9110 section 7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// Forward sends req, with body, to the upstream (its path and query joined
// to the upstream's) and streams the answer to w. It returns the answer's
// status, headers and the kept copy of its body. Status 0 means no answer
// came (the upstream could not be reached): nothing was written to w and
// err says why; the caller answers the client.
func (p *Proxy) Forward(ctx context.Context, w http.ResponseWriter, req *http.Request, body []byte) (int, http.Header, []byte, error) {
	u := *p.Upstream
	u.Path = strings.TrimRight(u.Path, "/") + req.URL.Path
	u.RawQuery = joinQuery(u.RawQuery, req.URL.RawQuery)
	out, err := http.NewRequestWithContext(ctx, req.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	out.Header = req.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	out.Header.Del("Accept-Encoding") // keep the body readable for the copy
	resp, err := p.Client.Do(out)
	if err != nil {
		return 0, nil, nil, err
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
	capture, err := pump(w, resp.Body, p.MaxCapture)
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

// pump copies src to w, flushing after every read, and keeps a copy of up
// to limit bytes.
func pump(w http.ResponseWriter, src io.Reader, limit int) ([]byte, error) {
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
			if capture.Len() < limit {
				capture.Write(buf[:min(n, limit-capture.Len())])
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
