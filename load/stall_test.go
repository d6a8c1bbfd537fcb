package load

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// stallRun runs one user's sequential requests (so connections are reused)
// against a fake server that flushes the first token 20 ms after arrival
// and then one every 2 ms, with Nagle's algorithm on or off, the client
// with or without TCP_QUICKACK. It returns the run, its attempts and the
// server's log.
func stallRun(t *testing.T, nagle, quickAck bool) (*runrecord.Run, []runrecord.Attempt, map[string]fakeserver.Stamp) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := fakeserver.New(fakeserver.Options{Tokens: 8, FirstTokenDelay: 20 * time.Millisecond, TokenDelay: 2 * time.Millisecond, Log: true, Nagle: nagle})
	addr, _, err := srv.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "http://"+addr, 16)
	cfg.Schedule, cfg.QuickAck = Closed{Users: 1}, quickAck
	cfg.Limits.RequestTimeout = 5 * time.Second
	run, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	stamps := map[string]fakeserver.Stamp{}
	for _, s := range srv.Stamps(false) {
		stamps[s.RequestID] = s
	}
	return run, atts, stamps
}

// With Nagle's algorithm on at the server, reused connections stall on the
// client's delayed ACK: the summary counts it and the warning names the
// cause. With TCP_QUICKACK the client sees each first token within 2 ms of
// the server's own stamp, and no stall is reported.
func TestNagleStallDetectedAndQuickAckMeasuresServer(t *testing.T) {
	if !modelapi.QuickAckSupported {
		t.Skip("TCP_QUICKACK is Linux only")
	}
	run, _, _ := stallRun(t, true, false)
	st := run.Summary.TCPStall
	if st == nil || !st.Detected || st.ReusedStalled < st.Reused/2 {
		t.Fatalf("tcp_stall %+v: want the stall detected on reused connections", st)
	}
	if !hasWarning(run.Warnings, "Nagle's algorithm on the server") || !hasWarning(run.Warnings, "TCP_NODELAY") {
		t.Fatalf("warnings %q: want the stall's cause named", run.Warnings)
	}
	t.Logf("Nagle on: ttft p50 %.2f ms, itl p50 %.3f ms, tcp_stall %+v", run.Summary.LatencyMS[runrecord.MetricTTFT].P50, run.Summary.LatencyMS[runrecord.MetricITL].P50, *st)
	if ttft := run.Summary.LatencyMS[runrecord.MetricTTFT].P50; ttft < 35 {
		t.Fatalf("ttft p50 %.1f ms: want the stall (about 40 ms) in it", ttft)
	}

	run, atts, stamps := stallRun(t, true, true)
	if !run.Config.QuickAck {
		t.Fatal("run.json does not record quickack")
	}
	if st := run.Summary.TCPStall; st != nil && st.Detected {
		t.Fatalf("tcp_stall %+v with quickack: want none", st)
	}
	t.Logf("Nagle on, quickack: ttft p50 %.2f ms, itl p50 %.3f ms", run.Summary.LatencyMS[runrecord.MetricTTFT].P50, run.Summary.LatencyMS[runrecord.MetricITL].P50)
	// The client's first token against the server's stamp, taken just
	// after its flush returned: a server descheduled after the flush
	// stamps late, so single samples may come out early; the median must
	// be within 2 ms (the stall would put it near 20 ms).
	zero := run.StartedAt.UnixNano()
	var d []time.Duration
	for _, a := range atts {
		s, ok := stamps[a.RequestID]
		if !ok || !a.OK {
			t.Fatalf("attempt %d: ok %v, stamp found %v", a.Seq, a.OK, ok)
		}
		d = append(d, time.Duration(zero+a.FirstTokenNS-s.FirstTokenNS))
	}
	slices.Sort(d)
	if med := d[len(d)/2]; med < -2*time.Millisecond || med > 2*time.Millisecond {
		t.Errorf("first token recorded %v after the server's stamp at the median (range %v to %v), want within 2 ms", med, d[0], d[len(d)-1])
	}
}

// Without Nagle's algorithm (Go's default, TCP_NODELAY on) no stall is
// reported.
func TestNoStallWithNodelay(t *testing.T) {
	run, _, _ := stallRun(t, false, false)
	if st := run.Summary.TCPStall; st != nil && st.Detected || hasWarning(run.Warnings, "TCP stall") {
		t.Fatalf("tcp_stall %+v, warnings %q: want none", st, run.Warnings)
	}
	if run.Config.QuickAck {
		t.Fatal("quickack recorded on a run without it")
	}
}
