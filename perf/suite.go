package perf

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Options choose what Suite measures and for how long.
type Options struct {
	// Only lists the parts to run (ingest, lag, ttft, memory, runmem,
	// collectors, report); empty runs all.
	Only []string
	// Step is the length of each load measurement (default 3 s).
	Step time.Duration
	// Streams is the memory benchmark's stream count (default 10,000).
	Streams int
	// Attempts is the synthetic run length of the report benchmark (default 1,000,000).
	Attempts int
	// Requests is the length of the long-run memory benchmark (default 1,000,000).
	Requests int
	// LongRun applies the long-run benchmark's load through the harness
	// (nil: that part is not measured).
	LongRun LongRun
}

func (o *Options) defaults() {
	if o.Step <= 0 {
		o.Step = 3 * time.Second
	}
	if o.Streams <= 0 {
		o.Streams = 10000
	}
	if o.Attempts <= 0 {
		o.Attempts = 1_000_000
	}
	if o.Requests <= 0 {
		o.Requests = 1_000_000
	}
}

func (o *Options) want(part string) bool {
	if len(o.Only) == 0 {
		return true
	}
	for _, p := range o.Only {
		if p == part {
			return true
		}
	}
	return false
}

// table prints rows: what, tcobench's figure, the minimal client's, their
// ratio, the target and whether it was met. Rows are aligned when the
// table is flushed; each is also logged to progress as it is measured.
type table struct {
	tw       *tabwriter.Writer
	progress io.Writer
}

func newTable(w, progress io.Writer) *table {
	t := &table{tw: tabwriter.NewWriter(w, 2, 8, 2, ' ', 0), progress: progress}
	fmt.Fprintln(t.tw, "figure\ttcobench\tminimal client\tratio\ttarget\tmet")
	return t
}

func (t *table) row(what, got, limit, ratio, target, met string) {
	fmt.Fprintf(t.tw, "%s\t%s\t%s\t%s\t%s\t%s\n", what, got, limit, ratio, target, met)
	if t.progress != nil {
		fmt.Fprintf(t.progress, "  %s: %s | %s | %s | %s %s\n", what, got, limit, ratio, target, met)
	}
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// Machine describes where the figures came from.
func Machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	return fmt.Sprintf("%s, %d CPUs (%s), %s/%s, load average %s", time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH, strings.Join(strings.Fields(string(load))[:3], " "))
}

// Suite runs the self-benchmark and prints its table to w, logging each
// figure to progress (may be nil) as it is measured.
func Suite(ctx context.Context, w, progress io.Writer, o Options) error {
	o.defaults()
	fmt.Fprintf(w, "tcobench self-benchmark: %s\n", Machine())
	fmt.Fprintf(w, "fake server: child process on loopback; each load step %s\n\n", o.Step)
	t := newTable(w, progress)
	ticks := readCPUTicks()
	parts := []struct {
		name string
		run  func(context.Context, *table, Options) error
	}{{"ingest", ingestRows}, {"lag", lagRows}, {"ttft", ttftRows}, {"memory", memRows}, {"runmem", runMemRows},
		{"collectors", collectorRows}, {"report", reportRows}}
	var errs []string
	for _, p := range parts {
		if !o.want(p.name) {
			continue
		}
		if progress != nil {
			fmt.Fprintf(progress, "measuring %s...\n", p.name)
		}
		if err := p.run(ctx, t, o); err != nil {
			t.row(p.name, "error: "+err.Error(), "", "", "", "")
			errs = append(errs, p.name+": "+err.Error())
		}
	}
	t.tw.Flush()
	fmt.Fprintf(w, "\nload average at the end: %s", func() string { b, _ := os.ReadFile("/proc/loadavg"); return string(b) }())
	if st := stealPercent(ticks, readCPUTicks()); st >= 0 {
		fmt.Fprintf(w, "CPU time stolen by the hypervisor during the run: %.1f %%\n", st)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func ingestRows(ctx context.Context, t *table, o Options) error {
	for _, n := range []int{1, 100, 1000} {
		r, err := Ingestion(ctx, n, o.Step)
		if err != nil {
			return err
		}
		target, met := "", ""
		if n == 1000 {
			target, met = ">= 0.70", yes(r.Engine >= 0.7*r.Minimal)
		}
		t.row(fmt.Sprintf("ingestion, %d streams (tokens/s)", n), fmt.Sprintf("%.0f", r.Engine), fmt.Sprintf("%.0f", r.Minimal),
			fmt.Sprintf("%.2f", r.Engine/r.Minimal), target, met)
		t.row("  client CPU per token (µs)", fmt.Sprintf("%.2f", r.EngineCPUNS/1e3), fmt.Sprintf("%.2f", r.MinimalCPUNS/1e3),
			fmt.Sprintf("%.2f", r.EngineCPUNS/r.MinimalCPUNS), "", "")
		t.row("  fake server CPU per token (µs)", fmt.Sprintf("%.2f", r.ServerCPUNS/1e3), "", "", "", "")
	}
	return nil
}

func lagRows(ctx context.Context, t *table, o Options) error {
	for _, rate := range []float64{100, 1000, 5000} {
		r, err := DispatchLag(ctx, rate, o.Step)
		if err != nil {
			return err
		}
		target, met := "", ""
		switch rate {
		case 1000:
			target, met = "p99 < 1 ms", yes(r.Engine.P99 < 1)
		case 5000:
			target, met = "p99 < 5 ms", yes(r.Engine.P99 < 5)
		}
		name := fmt.Sprintf("dispatch lag, Poisson %.0f req/s (ms)", rate)
		t.row(name, r.Engine.String(), r.MinimalNanos.String(), fmt.Sprintf("%.1f (p99)", r.Engine.P99/r.MinimalNanos.P99), target, met)
		t.row("  engine's own record (sent-scheduled)", r.EngineSelf.String(), "", "", "", "")
		t.row("  client CPU per request (ms)", fmt.Sprintf("%.3f", r.EngineCPU), fmt.Sprintf("%.3f", r.MinimalCPU),
			fmt.Sprintf("%.1f", r.EngineCPU/r.MinimalCPU), "", "")
		t.row("  minimal client, Go timer pacer", r.MinimalTimer.String(), "", "", "", "")
		if r.Engine.Dropped > 0 || r.Engine.Missing > 0 {
			t.row("  engine attempts dropped / unmatched", fmt.Sprintf("%d / %d", r.Engine.Dropped, r.Engine.Missing), "", "", "", "")
		}
	}
	return nil
}

func ttftRows(ctx context.Context, t *table, o Options) error {
	for _, n := range []int{100, 500} {
		e, m, err := TTFTError(ctx, n, o.Step)
		if err != nil {
			return err
		}
		target, met := "p99 < 1 ms", yes(e.P99 < 1)
		if n == 500 {
			target, met = "p99 <= 2 x minimal", yes(e.P99 <= 2*m.P99)
		}
		t.row(fmt.Sprintf("TTFT error incl. send-to-arrival, %d streams (ms)", n), e.String(), m.String(), fmt.Sprintf("%.1f (p99)", e.P99/m.P99), target, met)
		t.row("  engine requests on a new connection", fmt.Sprintf("%d of %d (%d streams)", e.Fresh, e.N, n), "", "", "", "")
	}
	return nil
}

func memRows(ctx context.Context, t *table, o Options) error {
	e, m, err := Memory(ctx, o.Streams)
	if err != nil {
		return err
	}
	t.row(fmt.Sprintf("memory per stream, %d streams (KiB)", o.Streams), fmt.Sprintf("%.1f (%d in flight)", e.PerStream()/1024, e.Streams),
		fmt.Sprintf("%.1f (%d in flight)", m.PerStream()/1024, m.Streams), fmt.Sprintf("%.2f", e.PerStream()/m.PerStream()), "", "")
	t.row("  resident memory at the most streams (MiB)", fmt.Sprintf("%.0f (peak %.0f)", mib(e.RSS), mib(e.PeakRSS)),
		fmt.Sprintf("%.0f (peak %.0f)", mib(m.RSS), mib(m.PeakRSS)), "", "< 1024 MiB", yes(e.PeakRSS < 1<<30 && e.Streams >= o.Streams*99/100))
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func runMemRows(ctx context.Context, t *table, o Options) error {
	if o.LongRun == nil {
		return fmt.Errorf("no harness to run (perfbench supplies it)")
	}
	r, err := RunMemory(ctx, o.Requests)
	if err != nil {
		return err
	}
	for _, p := range r.MemTable(10) {
		t.row(fmt.Sprintf("  after %d requests, %.0f s: RSS / heap live / heap (MiB)", p.Done, p.Seconds),
			fmt.Sprintf("%.0f / %.0f / %.0f", mib(p.RSS), mib(p.Live), mib(p.Heap)), "", "", "", "")
	}
	exact := "exact percentiles"
	if !r.Exact {
		exact = "some percentiles approximate"
	}
	t.row(fmt.Sprintf("long run, %d requests (%.0f s, %s): heap retained per request (bytes)", r.Requests, r.Seconds, exact),
		fmt.Sprintf("%.0f", r.PerRequest), "", "", "< 256", yes(r.PerRequest < 256))
	t.row("  peak RSS of the run (MiB)", fmt.Sprintf("%.0f", mib(r.PeakRSS)), "", "", "< 1024 MiB", yes(r.PeakRSS < 1<<30))
	return nil
}

func collectorRows(ctx context.Context, t *table, o Options) error {
	d := o.Step
	for _, hz := range []float64{10, 100} {
		share, n, err := NVMLCPU(ctx, hz, d)
		if err != nil {
			t.row(fmt.Sprintf("nvml collector, %.0f Hz, DGX H100 mock", hz), "not measured: "+err.Error(), "", "", "", "")
			continue
		}
		target, met := "", ""
		if hz == 10 {
			target, met = "< 1% of a core", yes(share < 0.01)
		}
		t.row(fmt.Sprintf("nvml collector, %.0f Hz, 8-GPU mock (%% of a core)", hz), fmt.Sprintf("%.3f%% (%d readings)", share*100, n), "", "", target, met)
	}
	for _, iv := range []time.Duration{time.Second, 100 * time.Millisecond} {
		share, n, err := HostCPU(ctx, iv, d)
		if err != nil {
			return err
		}
		target, met := "", ""
		if iv == 100*time.Millisecond {
			target, met = "< 1% of a core", yes(share < 0.01)
		}
		t.row(fmt.Sprintf("host collector, every %s (%% of a core)", iv), fmt.Sprintf("%.3f%% (%d readings)", share*100, n), "", "", target, met)
	}
	return nil
}

func reportRows(ctx context.Context, t *table, o Options) error {
	r, err := ReportCompare(ctx, o.Attempts, "")
	if err != nil {
		return err
	}
	total := r.Report + r.Compare
	t.row(fmt.Sprintf("write one %d-attempt run (s)", r.N), fmt.Sprintf("%.1f (%.0f MiB requests.jsonl)", r.Write.Seconds(), mib(r.Bytes)), "", "", "", "")
	t.row("  recompute summary (metrics.SummarizeDir) (s)", fmt.Sprintf("%.1f", r.Summary.Seconds()), "", "", "", "")
	t.row("  report: load + Markdown + HTML (s)", fmt.Sprintf("%.1f", r.Report.Seconds()), "", "", "", "")
	t.row("  compare two runs (s)", fmt.Sprintf("%.1f", r.Compare.Seconds()), "", "", "", "")
	t.row("  report + compare (s)", fmt.Sprintf("%.1f", total.Seconds()), "", "", "< 30 s", yes(total < 30*time.Second))
	return nil
}
