package fleet

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
	"github.com/tcobench/tcobench/tco"
)

// Splitting one seeded open-loop schedule over 3 shards against one
// fakeserver sends, as a set, the single process's schedule: the same
// scheduled times exactly, and the same arrivals at the server (its own
// stamps) within the timing noise. The merged report equals the single
// process's, its percentiles computed from every shard's raw samples.
func TestScheduleSplitSendsTheSingleProcessSchedule(t *testing.T) {
	url, srv := fake(t)
	dir := t.TempDir()
	single, err := harness.Run(context.Background(), schedSpec(url, filepath.Join(dir, "single")))
	if err != nil {
		t.Fatal(err)
	}
	singleSends := offsets(srv.Stamps(true), single.Run.StartedAt)

	dsn := filepath.Join(dir, "results.db")
	merged := filepath.Join(dir, "merged")
	errs := runShards(t, 3, func(i int) Spec {
		s := shardSpec(url, dir, dsn, "split", i, 3)
		s.Merged = merged
		return s
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	m, err := report.Load(merged) // written by the last shard to finish
	if err != nil {
		t.Fatal(err)
	}
	run := m.Runs[0]
	if run.Partial || run.Fleet == nil || len(run.Fleet.Members) != 3 {
		t.Fatalf("merged run: partial %v (%s), fleet %+v", run.Partial, run.PartialReason, run.Fleet)
	}
	sameSends(t, singleSends, offsets(srv.Stamps(true), run.Fleet.StartedAt))
	sameSchedule(t, single.Dir, merged)
	sameFigures(t, single.Dir, merged, 3)
	d, err := rundata.Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	fromEveryRawSample(t, dsn, "split", rundata.FigureMap(d.Figures()))

	// Priced on hardware it did not run on, the fleet is priced as
	// measured, said so, and costs its nodes × one node's hour.
	hw, _ := tco.LoadHardware("8xh100-sxm")
	site, _ := tco.LoadSite("us-colo")
	cat, _ := tco.LoadCatalog(tco.DefaultCatalog)
	priced, err := Cost(context.Background(), dsn, "split", &tco.Request{Hardware: hw, Site: site, Catalog: cat, Options: tco.DefaultOptions()})
	if err != nil {
		t.Fatal(err)
	}
	c, fc := priced.Cost, priced.Fleet.Cost
	if fc == nil || c.MeasuredElsewhere == "" || !strings.Contains(strings.Join(c.Notes, "\n"), "a fleet is never projected") ||
		math.Abs(fc.USDPerHour.Value-float64(fc.Nodes)*fc.NodeUSDPerHour.Value) > 1e-9 {
		t.Errorf("fleet cost %+v, measured elsewhere %q, notes %q", fc, c.MeasuredElsewhere, c.Notes)
	}
}

// sameSchedule checks that two run directories scheduled the same tasks at
// the same offsets in the same phases, exactly.
func sameSchedule(t *testing.T, a, b string) {
	t.Helper()
	read := func(dir string) map[string]string {
		atts, err := runrecord.LoadAttempts(dir)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, x := range atts {
			m[x.TaskID] = x.Phase + "@" + itoa(x.ScheduledNS)
		}
		return m
	}
	sa, sb := read(a), read(b)
	if len(sa) != len(sb) {
		t.Fatalf("%d scheduled tasks in one process, %d in the fleet", len(sa), len(sb))
	}
	for k, v := range sa {
		if sb[k] != v {
			t.Errorf("task %s: %s in one process, %s in the fleet", k, v, sb[k])
		}
	}
}

// sameFigures checks the merged report against the single process's,
// figure for figure: counts exactly, latencies and throughput within the
// timing noise.
func sameFigures(t *testing.T, single, merged string, shards int) {
	t.Helper()
	a, err := rundata.Load(single)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rundata.Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := rundata.FigureMap(a.Figures()), rundata.FigureMap(b.Figures())
	if len(fa) != len(fb) {
		t.Errorf("%d figures in one process, %d merged", len(fa), len(fb))
	}
	for name, x := range fa {
		y, ok := fb[name]
		if !ok {
			t.Errorf("%s: missing from the merged report", name)
			continue
		}
		d := math.Abs(x.Value - y.Value)
		switch {
		case x.Unit == "ms" && x.Quantile == 0.5 && d > latencyNoise:
			t.Errorf("%s: %.2f ms in one process, %.2f ms merged (allowed ±%.0f ms)", name, x.Value, y.Value, latencyNoise)
		case x.Unit == "ms" && d > float64(maxNoise.Milliseconds()):
			t.Errorf("%s: %.2f ms in one process, %.2f ms merged (allowed ±%d ms)", name, x.Value, y.Value, maxNoise.Milliseconds())
		case x.Unit != "ms" && d > throughputNoise*math.Abs(x.Value) && name != rundata.FigErrorRate:
			t.Errorf("%s: %g %s in one process, %g merged", name, x.Value, x.Unit, y.Value)
		case name == rundata.FigMeasuredCount && d != 0, name == rundata.FigErrorRate && d != 0:
			t.Errorf("%s: %g in one process, %g merged: counts must be equal", name, x.Value, y.Value)
		}
		t.Logf("%-18s single %10.3f  merged %10.3f %s", name, x.Value, y.Value, x.Unit)
	}
}

// fromEveryRawSample checks that the merged figures' percentiles are
// those of the union of every shard's raw samples as stored, and that the
// request count is the sum of the shards'.
func fromEveryRawSample(t *testing.T, dsn, id string, fig map[string]runrecord.Figure) {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, rows, err := st.Fleet(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var ttft []float64
	sum := 0
	for _, r := range rows {
		sum += r.Run.Summary.Requests.Measured
		_ = st.FleetAttempts(context.Background(), f.ID, r.Shard, func(a *runrecord.Attempt) error {
			if rundata.Measured(a) && a.OK {
				ttft = append(ttft, rundata.AttemptSamples(a)[rundata.SampleTTFT])
			}
			return nil
		})
	}
	slices.Sort(ttft)
	if n := int(fig[rundata.FigMeasuredCount].Value); n != sum || len(rows) != 3 {
		t.Errorf("merged %d measured requests, the %d shards %d", n, len(rows), sum)
	}
	for _, q := range []struct {
		name string
		p    float64
	}{{rundata.FigTTFTP50, 0.5}, {rundata.FigTTFTP99, 0.99}} {
		if want := rundata.Quantile(ttft, q.p); fig[q.name].Value != want {
			t.Errorf("%s merged %v, from the %d stored raw samples %v", q.name, fig[q.name].Value, len(ttft), want)
		}
	}
	if len(ttft) != sum {
		t.Errorf("%d raw TTFT samples stored, %d measured requests", len(ttft), sum)
	}
}

func itoa(n int64) string { return time.Duration(n).String() }
