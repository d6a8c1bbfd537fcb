package load

import (
	"math"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

func TestArrivalsAreSeededAndHaveTheirRate(t *testing.T) {
	for _, c := range []struct {
		process runrecord.ArrivalMode
		shape   float64
		cv      float64 // coefficient of variation of the gaps
	}{
		{runrecord.ArrivalConstant, 0, 0},
		{runrecord.ArrivalPoisson, 1, 1},
		{runrecord.ArrivalGamma, 0.25, 2},
	} {
		a, err := NewArrivals(c.process, 100, c.shape, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewArrivals(c.process, 100, c.shape, 7)
		const n = 20000
		var sum, sq float64
		prev := int64(0)
		for i := 0; i <= n; i++ {
			at := a.At(i)
			if at != b.At(i) {
				t.Fatalf("%s: same seed, different schedule at %d", c.process, i)
			}
			if i > 0 {
				g := float64(at-prev) / 1e9
				sum, sq = sum+g, sq+g*g
			}
			prev = at
		}
		mean := sum / n
		cv := math.Sqrt(sq/n-mean*mean) / mean
		if math.Abs(mean-0.01) > 0.0005 || math.Abs(cv-c.cv) > 0.1*max(c.cv, 1) {
			t.Errorf("%s: mean gap %.5f s (want 0.01), cv %.2f (want %.2f)", c.process, mean, cv, c.cv)
		}
	}
	if _, err := NewArrivals("weibull", 1, 1, 1); err == nil {
		t.Error("unknown process accepted")
	}
	p, _ := NewArrivals(runrecord.ArrivalConstant, 10, 0, 1)
	if w, _ := p.Pace(50*time.Millisecond, 1); w != 50*time.Millisecond {
		t.Errorf("pace %v, want 50ms", w)
	}
}

func TestGatePhases(t *testing.T) {
	s := int64(time.Second)
	g := newGate(runrecord.LoadConfig{Warmup: runrecord.Duration(time.Second), Duration: runrecord.Duration(2 * time.Second), Cooldown: runrecord.Duration(time.Second)})
	for _, c := range []struct {
		at    int64
		phase string
		ok    bool
	}{{0, runrecord.PhaseWarmup, true}, {s, runrecord.PhaseMeasure, true}, {3*s - 1, runrecord.PhaseMeasure, true},
		{3 * s, runrecord.PhaseCooldown, true}, {4 * s, "", false}, {s, "", false}} {
		if p, ok := g.admit(c.at); p != c.phase || ok != c.ok {
			t.Errorf("admit(%v) = %q %v, want %q %v", time.Duration(c.at), p, ok, c.phase, c.ok)
		}
	}
	g = newGate(runrecord.LoadConfig{Count: 2})
	for i, want := range []bool{true, true, false} {
		if _, ok := g.admit(int64(i)); ok != want {
			t.Errorf("count gate: admit #%d = %v", i, ok)
		}
	}
}
