package host

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/internal/sinktest"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
)

func write(t *testing.T, path, v string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(v+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRAPLWraps(t *testing.T) {
	root := t.TempDir()
	z := filepath.Join(root, "intel-rapl:0")
	write(t, filepath.Join(z, "name"), "package-0")
	write(t, filepath.Join(z, "max_energy_range_uj"), "1000000")
	write(t, filepath.Join(z, "energy_uj"), "900000")
	write(t, filepath.Join(root, "intel-rapl:0:0", "name"), "core") // sub-zone: ignored
	write(t, filepath.Join(root, "intel-rapl:0:0", "energy_uj"), "5")
	c := New(Options{PowercapRoot: root})
	if c.CPUEnergyNote() != "" {
		t.Fatalf("note %q", c.CPUEnergyNote())
	}
	var got []float64
	emit := func(zone string, j float64) {
		if zone != "package-0" {
			t.Errorf("zone %q", zone)
		}
		got = append(got, j)
	}
	c.rapl.read(emit)
	write(t, filepath.Join(z, "energy_uj"), "100000") // wrapped: +200,000 µJ
	c.rapl.read(emit)
	if len(got) != 2 || got[0] != 0 || got[1] != 0.2 {
		t.Errorf("readings %v, want [0 0.2] J", got)
	}
}

func TestRAPLNotExposed(t *testing.T) {
	c := New(Options{PowercapRoot: filepath.Join(t.TempDir(), "none")})
	if !strings.Contains(c.CPUEnergyNote(), "exposes no RAPL zones") {
		t.Errorf("note %q", c.CPUEnergyNote())
	}
	h := c.Health()
	if len(h.Unsupported) != 1 || h.Unsupported[0] != collectors.MetricCPUEnergyJ || h.Message == "" {
		t.Errorf("health %+v", h)
	}
}

// TestProcessByPort finds this test process by a port it listens on.
func TestProcessByPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	c := New(Options{Port: port})
	s := &sinktest.Sink{}
	c.sample(context.Background(), s, time.Now())
	if c.PID() != int32(os.Getpid()) {
		t.Fatalf("found pid %d, want %d (health %+v)", c.PID(), os.Getpid(), c.Health())
	}
	if r, ok := s.Last("proc_rss_bytes"); !ok || r.Value <= 0 {
		t.Errorf("rss reading %+v %v", r, ok)
	}
	for _, m := range []string{"cpu_util_pct", "mem_used_bytes", "load1", "proc_cpu_seconds"} {
		if _, ok := s.Last(m); !ok {
			t.Errorf("no %s reading", m)
		}
	}
}

func TestNoListener(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c := New(Options{Port: port})
	c.sample(context.Background(), &sinktest.Sink{}, time.Now())
	if h := c.Health(); h.Errors != 1 || !strings.Contains(h.Message, "no local process listens") {
		t.Errorf("health %+v", h)
	}
}

// TestOllamaProcess reads the real local Ollama server's process tree.
func TestOllamaProcess(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	_, portStr, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL(), "http://"))
	port, err := strconv.Atoi(portStr)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{Port: port, Interval: 50 * time.Millisecond})
	s := &sinktest.Sink{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { _ = c.Run(ctx, s); close(done) }()
	for ctx.Err() == nil {
		if _, ok := s.Last("proc_rss_bytes"); ok {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	r, ok := s.Last("proc_rss_bytes")
	if !ok || r.Value < 1<<20 {
		t.Fatalf("ollama rss %+v ok=%v health %+v", r, ok, c.Health())
	}
	if !strings.Contains(r.Labels["process"], "ollama") {
		t.Errorf("process label %q", r.Labels["process"])
	}
	t.Logf("ollama pid %d rss %.1f MiB", c.PID(), r.Value/(1<<20))
}

// The process tree is looked up again only every treeRefresh.
func TestProcessTreeRefresh(t *testing.T) {
	c := New(Options{PID: int32(os.Getpid())})
	ctx := context.Background()
	t0 := time.Now()
	first, err := c.tree(ctx, t0)
	if err != nil || len(first) == 0 || first[0].Pid != int32(os.Getpid()) {
		t.Fatalf("tree = %v, %v; want this process first", first, err)
	}
	again, _ := c.tree(ctx, t0.Add(treeRefresh/2))
	if &again[0] != &first[0] {
		t.Fatal("tree looked up again before treeRefresh")
	}
	later, _ := c.tree(ctx, t0.Add(treeRefresh))
	if &later[0] == &first[0] {
		t.Fatal("tree not looked up again after treeRefresh")
	}
}
