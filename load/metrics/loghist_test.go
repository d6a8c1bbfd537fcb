package metrics

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// itlAttempts returns OK attempts whose chunk gaps are drawn from a skewed
// distribution (log-normal, ms), and every gap in order.
func itlAttempts(n, chunks int) ([]runrecord.Attempt, []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	var as []runrecord.Attempt
	var gaps []float64
	for i := range n {
		a := runrecord.Attempt{TaskID: "t" + string(rune('a'+i%26)), Phase: runrecord.PhaseMeasure, OK: true,
			ScheduledNS: int64(i) * 1e6, SentNS: int64(i)*1e6 + 1}
		at := a.SentNS + 1e6
		for range chunks {
			g := int64(math.Exp(r.NormFloat64()) * 2e6)
			if len(a.ChunkNS) > 0 {
				gaps = append(gaps, nsToMS(g))
			} else {
				g = 0
			}
			at += g
			a.ChunkNS = append(a.ChunkNS, at)
		}
		a.FirstTokenNS, a.EndNS = a.ChunkNS[0], at
		as = append(as, a)
	}
	return as, gaps
}

func TestITLExactUnderCap(t *testing.T) {
	as, gaps := itlAttempts(50, 20)
	c := NewAccumulator(nil)
	for i := range as {
		c.Add(&as[i])
	}
	s := c.Summary(runrecord.Window{})
	if s.ITLApprox != nil {
		t.Fatalf("ITLApprox = %+v under the cap, want nil", s.ITLApprox)
	}
	if got, want := s.LatencyMS[runrecord.MetricITL], Dist(gaps); got != want {
		t.Fatalf("ITL = %+v, want exact %+v", got, want)
	}
}

func TestITLApproxBeyondCap(t *testing.T) {
	as, gaps := itlAttempts(400, 50)
	c := NewAccumulator(nil)
	c.m[mITL].limit = 1000
	for i := range as {
		c.Add(&as[i])
	}
	s := c.Summary(runrecord.Window{})
	if s.ITLApprox == nil || s.ITLApprox.ExactCap != 1000 || s.ITLApprox.RelErr != histRelErr {
		t.Fatalf("ITLApprox = %+v, want the histogram named with cap 1000", s.ITLApprox)
	}
	if len(c.m[mITL].xs) != 0 {
		t.Fatalf("%d exact ITL samples kept beyond the cap", len(c.m[mITL].xs))
	}
	got, want := s.LatencyMS[runrecord.MetricITL], Dist(gaps)
	if got.Count != want.Count || got.Min != want.Min || got.Max != want.Max {
		t.Fatalf("count/min/max = %d/%v/%v, want exact %d/%v/%v", got.Count, got.Min, got.Max, want.Count, want.Min, want.Max)
	}
	near := func(name string, g, w, tol float64) {
		if math.Abs(g-w) > tol*math.Abs(w) {
			t.Errorf("%s = %v, want %v within %v relative", name, g, w, tol)
		}
	}
	near("mean", got.Mean, want.Mean, 1e-9)
	near("stddev", got.Stddev, want.Stddev, 1e-9)
	for _, p := range [][3]float64{{50, got.P50, want.P50}, {90, got.P90, want.P90}, {95, got.P95, want.P95},
		{99, got.P99, want.P99}, {99.9, got.P999, want.P999}} {
		near("p"+formatFloat(p[0]), p[1], p[2], histRelErr)
	}
	// The basis is still judged for the ITL samples in the histogram.
	if s.ITLBasis == "" {
		t.Fatal("ITLBasis empty with ITL samples in the histogram")
	}
}

func TestLogHistZerosAndEmpty(t *testing.T) {
	h := newLogHist()
	if d := h.dist(); d != (runrecord.Dist{}) {
		t.Fatalf("empty histogram = %+v, want zero", d)
	}
	for _, v := range []float64{0, 0, 0, 5} {
		h.add(v)
	}
	d, want := h.dist(), Dist([]float64{0, 0, 0, 5})
	if d.P50 != 0 || d.Max != 5 || d.Count != 4 || math.Abs(d.P99-want.P99) > want.P99*histRelErr {
		t.Fatalf("dist = %+v, want p50 0, p99 ≈ %v, max 5, count 4", d, want.P99)
	}
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
