package recorder

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkProxyOverhead prints the time of one streamed chat call (8 SSE
// chunks) sent directly to a local fake upstream and through the recording
// proxy; the difference is what recording adds per call.
func BenchmarkProxyOverhead(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; i < 8; i++ {
			fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":\"tok%d \"}}]}\n\n", i)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	rec, err := New(Options{Upstream: u, Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	proxy := httptest.NewServer(rec)
	defer proxy.Close()
	body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"` + strings.Repeat("word ", 500) + `"}]}`
	for _, c := range []struct{ name, url string }{{"direct", up.URL}, {"proxy", proxy.URL}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				resp, err := http.Post(c.url+"/v1/chat/completions", "application/json", strings.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
