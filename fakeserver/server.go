package fakeserver

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"
)

var errTooLarge = errors.New("request body over 64 MiB")

// serveStamps answers GET /fake/stamps with the logged stamps as a JSON
// array; ?reset=1 forgets them.
func (s *Server) serveStamps(w http.ResponseWriter, r *http.Request) {
	st := s.Stamps(r.URL.Query().Get("reset") == "1")
	w.Header().Set("Content-Type", "application/json")
	if st == nil {
		st = []Stamp{}
	}
	_ = json.NewEncoder(w).Encode(st)
}

// Listen listens on addr (for example "127.0.0.1:0") and serves s until
// ctx ends. It returns the address listened on and a channel that receives
// the server's exit error (nil after ctx ended).
func (s *Server) Listen(ctx context.Context, addr string) (string, <-chan error, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", nil, err
	}
	if s.opts.Nagle {
		ln = nagleListener{ln}
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := hs.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if hs.Shutdown(sctx) != nil {
			hs.Close()
		}
	}()
	return ln.Addr().String(), done, nil
}

// nagleListener turns Nagle's algorithm back on (TCP_NODELAY off, which Go
// sets by default) on each accepted connection.
type nagleListener struct{ net.Listener }

func (l nagleListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok && err == nil {
		if err := tc.SetNoDelay(false); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, err
}
