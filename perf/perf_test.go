package perf

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestScenariosRun checks that every part of the self-benchmark runs and
// yields figures, at toy sizes. It asserts that figures exist, never their
// values (timing is reported by the benchmarks, not tested).
func TestScenariosRun(t *testing.T) {
	ctx := context.Background()
	t.Run("ingest", func(t *testing.T) {
		r, err := Ingestion(ctx, 2, 200*time.Millisecond)
		if err != nil || r.Engine <= 0 || r.Minimal <= 0 {
			t.Fatalf("%+v, %v", r, err)
		}
	})
	t.Run("lag", func(t *testing.T) {
		r, err := DispatchLag(ctx, 100, 300*time.Millisecond)
		if err != nil || r.Engine.N == 0 || r.MinimalNanos.N == 0 || r.MinimalTimer.N == 0 {
			t.Fatalf("%+v, %v", r, err)
		}
		if r.Engine.Missing > 0 {
			t.Errorf("%d engine attempts without a server stamp", r.Engine.Missing)
		}
	})
	t.Run("ttft", func(t *testing.T) {
		e, m, err := TTFTError(ctx, 4, 300*time.Millisecond)
		if err != nil || e.N == 0 || m.N == 0 {
			t.Fatalf("%+v %+v, %v", e, m, err)
		}
	})
	t.Run("collectors", func(t *testing.T) {
		if _, n, err := HostCPU(ctx, 50*time.Millisecond, 200*time.Millisecond); err != nil || n == 0 {
			t.Fatalf("host: %d readings, %v", n, err)
		}
		if _, n, err := NVMLCPU(ctx, 100, 200*time.Millisecond); err != nil && !strings.Contains(err.Error(), "cgo") || err == nil && n == 0 {
			t.Fatalf("nvml: %d readings, %v", n, err)
		}
	})
	t.Run("report", func(t *testing.T) {
		r, err := ReportCompare(ctx, 300, t.TempDir())
		if err != nil || r.Bytes == 0 {
			t.Fatalf("%+v, %v", r, err)
		}
	})
	t.Run("memory", func(t *testing.T) {
		// The memory part itself holds streams for 12 s: `make bench` runs it.
		if rss("VmRSS") <= 0 || rss("VmHWM") <= 0 {
			t.Fatal("no resident memory figures from /proc/self/status")
		}
	})
}

// BenchmarkIngestion reports stream ingestion at 100 streams (the full
// table, at 1, 100 and 1,000, is `make bench`).
func BenchmarkIngestion(b *testing.B) {
	for range b.N {
		r, err := Ingestion(context.Background(), 100, 2*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Engine, "tokens/s")
		b.ReportMetric(r.Engine/r.Minimal, "ratio-to-minimal")
		b.ReportMetric(r.EngineCPUNS, "cpu-ns/token")
	}
}

// BenchmarkDispatchLag reports the engine's dispatch lag at 1,000 Poisson
// arrivals per second, measured at the server.
func BenchmarkDispatchLag(b *testing.B) {
	for range b.N {
		r, err := DispatchLag(context.Background(), 1000, 2*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Engine.P50, "p50-ms")
		b.ReportMetric(r.Engine.P99, "p99-ms")
		b.ReportMetric(r.MinimalNanos.P99, "minimal-p99-ms")
	}
}

// BenchmarkTTFTError reports the engine's first-token timing error at 100
// streams.
func BenchmarkTTFTError(b *testing.B) {
	for range b.N {
		e, m, err := TTFTError(context.Background(), 100, 2*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(e.P50, "p50-ms")
		b.ReportMetric(e.P99, "p99-ms")
		b.ReportMetric(m.P99, "minimal-p99-ms")
	}
}
