// Package promtest starts real Prometheus and Pushgateway servers (the
// Debian packages' binaries) for tests, on free loopback ports, and stops
// them when the test ends. Without the binaries it skips the test, or fails
// it when CI=true.
package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binaries, overridable by TCOBENCH_PROMETHEUS and TCOBENCH_PUSHGATEWAY.
const (
	DefaultPrometheus  = "/usr/bin/prometheus"
	DefaultPushgateway = "/usr/bin/prometheus-pushgateway"
)

// Server is a started server.
type Server struct {
	URL string
	out *lockedBuffer
}

// Log is the server's output so far.
func (s *Server) Log() string { return s.out.String() }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func binary(t testing.TB, env, def, pkg string) string {
	t.Helper()
	bin := os.Getenv(env)
	if bin == "" {
		bin = def
	}
	if _, err := os.Stat(bin); err != nil {
		msg := fmt.Sprintf("%s not found (install the Debian package %q, see scripts/setup.sh, or set %s)", bin, pkg, env)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Prometheus starts Prometheus scraping targets (host:port, path /metrics)
// every interval.
func Prometheus(t testing.TB, interval time.Duration, targets ...string) *Server {
	t.Helper()
	bin := binary(t, "TCOBENCH_PROMETHEUS", DefaultPrometheus, "prometheus")
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: %s\n  evaluation_interval: %s\nscrape_configs:\n  - job_name: test\n    scrape_interval: %s\n    static_configs:\n      - targets: [%s]\n",
		interval, interval, interval, quoteAll(targets))
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	port := FreePort(t)
	return start(t, bin, fmt.Sprintf("http://127.0.0.1:%d", port), "/-/ready",
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--log.level=warn")
}

// Pushgateway starts a Pushgateway.
func Pushgateway(t testing.TB) *Server {
	t.Helper()
	bin := binary(t, "TCOBENCH_PUSHGATEWAY", DefaultPushgateway, "prometheus-pushgateway")
	port := FreePort(t)
	return start(t, bin, fmt.Sprintf("http://127.0.0.1:%d", port), "/-/ready",
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port), "--log.level=warn")
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

func start(t testing.TB, bin, url, ready string, args ...string) *Server {
	t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	s := &Server{URL: url, out: out}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+ready, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-exited:
			t.Fatalf("%s exited early:\n%s", bin, out.String())
		case <-ctx.Done():
			t.Fatalf("%s not ready after 30 s:\n%s", bin, out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// WaitForSeries waits until query (an instant PromQL query) returns a
// non-empty result: the first scrape can come seconds after Prometheus is
// ready (target updates are throttled).
func (s *Server) WaitForSeries(t testing.TB, query string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/api/v1/query?query=" + url.QueryEscape(query))
		if err == nil {
			var r struct {
				Data struct {
					Result []json.RawMessage `json:"result"`
				} `json:"data"`
			}
			derr := json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if derr == nil && len(r.Data.Result) > 0 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("prometheus: no result for %s after 30 s:\n%s", query, s.Log())
}
