package metrics

import (
	"math"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{
		{8, 10, 0.4902, 0.9433}, // the textbook example
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{36, 50, 0.5833, 0.8253},
	} {
		lo, hi := Wilson(c.k, c.n, 0.95)
		if math.Abs(lo-c.lo) > 1e-4 || math.Abs(hi-c.hi) > 1e-4 {
			t.Errorf("Wilson(%d, %d) = %.4f–%.4f, want %.4f–%.4f", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
}

func TestPassK(t *testing.T) {
	got := passK(map[string][2]int{"a": {4, 2}, "b": {2, 2}})
	want := []runrecord.PassK{{K: 1, Value: 0.75, Instances: 2}, {K: 2, Value: (1.0/6 + 1) / 2, Instances: 2}, {K: 3, Instances: 1}, {K: 4, Instances: 1}}
	if len(got) != len(want) {
		t.Fatalf("pass^k %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].K != want[i].K || got[i].Instances != want[i].Instances || math.Abs(got[i].Value-want[i].Value) > 1e-12 {
			t.Errorf("pass^%d = %+v, want %+v", want[i].K, got[i], want[i])
		}
	}
	if passK(map[string][2]int{"a": {1, 1}, "b": {1, 0}}) != nil {
		t.Error("pass^k reported without repeated trials")
	}
}

// checkedAttempt is a one-step task's attempt carrying its outcome.
func checkedAttempt(task, instance string, pass bool, end int64) runrecord.Attempt {
	a := attempt(task, end-100, end-100, 10, 10, 3)
	a.Checks = []runrecord.CheckResult{{Type: "equals", Pass: pass}}
	a.Task = &runrecord.TaskOutcome{Pass: pass, Instance: instance}
	return a
}

func TestOutcomesChecked(t *testing.T) {
	atts := []runrecord.Attempt{
		checkedAttempt("t1", "x", true, 200), checkedAttempt("t2", "x", false, 300),
		checkedAttempt("t3", "y", true, 400), checkedAttempt("t4", "y", true, 500),
		// t5 failed its check, then a later step was cancelled: a cut task
		// is no trial of its instance, as it is not among the tasks.
		checkedAttempt("t5", "y", false, 600), attempt("t5", 650, 650, 10, 10, 3),
	}
	atts[5].ErrorClass, atts[5].OK = runrecord.ErrCanceled, false
	atts[1].Checks[0].Judge = &runrecord.JudgeUsage{OK: true, Model: "j", InputTokens: 50, OutputTokens: 4, Source: runrecord.TokensFromUsage}
	s, _ := Summarize(&runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 1000 * ms}}, atts)
	o := s.Outcomes
	if o == nil || o.Basis != runrecord.OutcomeChecked || o.Tasks != 4 || o.Passed != 3 || o.PassRate != 0.75 {
		t.Fatalf("outcomes %+v", o)
	}
	if c := o.ByType["equals"]; c.Run != 5 || c.Passed != 3 {
		t.Errorf("equals checks %+v", c)
	}
	if len(o.PassK) != 2 || math.Abs(o.PassK[1].Value-0.5) > 1e-12 {
		t.Errorf("pass^k %+v, want pass^2 (0 + 1)/2", o.PassK)
	}
	if o.Judge == nil || o.Judge.Requests != 1 || o.Judge.InputTokens != 50 {
		t.Errorf("judge %+v", o.Judge)
	}
}

func TestOutcomesUnchecked(t *testing.T) {
	a := attempt("t1", 0, 0, 10, 10, 3)
	b := runrecord.Attempt{TaskID: "t2", Phase: runrecord.PhaseMeasure, SentNS: 1, EndNS: 5 * ms, ErrorClass: runrecord.ErrHTTPStatus}
	s, _ := Summarize(&runrecord.Run{}, []runrecord.Attempt{a, b})
	if o := s.Outcomes; o.Basis != runrecord.OutcomeNoError || o.Tasks != 2 || o.Passed != 1 {
		t.Fatalf("outcomes %+v", o)
	}
}

// Throughput counts every request that finished inside the window: warm-up
// requests ending after its start, cool-down ones ending before its end,
// whether the window is known before (a run read back) or only at the end
// (the engine).
func TestThroughputCountsWhatFinishedInTheWindow(t *testing.T) {
	warm := func(task string, end int64) runrecord.Attempt {
		a := attempt(task, end-300, end-300, 10, 10, 3)
		a.Phase, a.EndNS = runrecord.PhaseWarmup, end*ms
		return a
	}
	cool := func(task string, end int64) runrecord.Attempt {
		a := warm(task, end)
		a.Phase = runrecord.PhaseCooldown
		return a
	}
	atts := []runrecord.Attempt{
		warm("w1", 900),                      // before the window: out
		warm("w2", 1100),                     // inside
		attempt("m1", 1000, 1000, 10, 10, 3), // measured, ends 1030
		cool("c1", 1500),                     // before the last measured end: in
		attempt("m2", 1900, 1900, 10, 10, 3), // ends 1930
		cool("c2", 2500),                     // after: out
	}
	win := runrecord.Window{StartNS: 1000 * ms, EndNS: 1930 * ms}
	known := NewAccumulator(nil)
	known.knownWindow(win)
	live := NewAccumulator(nil)
	live.SetWindowStart(win.StartNS)
	for i := range atts {
		known.Add(&atts[i])
		live.Add(&atts[i])
	}
	for name, c := range map[string]*Accumulator{"known window": known, "live": live} {
		s := c.Summary(win)
		if got := s.Throughput.RequestsPerS * s.WindowS; math.Abs(got-4) > 1e-9 {
			t.Errorf("%s: %.3f requests in the window, want 4 (2 measured, 1 warm-up, 1 cool-down)", name, got)
		}
		if got := s.Throughput.TasksPerS * s.WindowS; math.Abs(got-4) > 1e-9 {
			t.Errorf("%s: %.3f tasks in the window, want 4", name, got)
		}
	}
}
