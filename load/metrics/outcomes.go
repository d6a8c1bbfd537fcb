package metrics

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/combin"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/tcobench/tcobench/runrecord"
)

// outcomeAcc gathers the measured tasks' success: counters by check type,
// the judge's requests, and per instance the trials and passes (pass^k).
type outcomeAcc struct {
	checked bool
	// passed counts the done, uncut tasks whose outcome passed (finishTask).
	passed int
	byType map[string]runrecord.CheckCounts
	trials map[string][2]int // instance → trials, passes
	judge  runrecord.JudgeTotals
}

// Task outcome marks on taskAcc.pass.
const (
	outcomeNone int8 = iota
	outcomePass
	outcomeFail
)

// SetChecked says the workload has success checks (a run whose tasks all
// ended before any outcome was recorded still reports on them).
func (c *Accumulator) SetChecked() { c.out.checked = true }

// addOutcome takes a measured attempt's check results and task outcome.
func (c *Accumulator) addOutcome(a *runrecord.Attempt, t *taskAcc) {
	o := &c.out
	o.count(a.Checks)
	if a.Task == nil {
		return
	}
	o.checked = true
	o.count(a.Task.Checks)
	t.pass, t.instance = outcomeFail, a.Task.Instance
	if a.Task.Pass {
		t.pass = outcomePass
	}
}

// finish counts a done task's outcome: passed, and a trial of its
// instance (pass^k), when the task was not cut short.
func (o *outcomeAcc) finish(t *taskAcc) {
	if t.cut || t.pass == outcomeNone {
		return
	}
	if t.pass == outcomePass {
		o.passed++
	}
	if o.trials == nil {
		o.trials = map[string][2]int{}
	}
	n := o.trials[t.instance]
	n[0]++
	if t.pass == outcomePass {
		n[1]++
	}
	o.trials[t.instance] = n
}

func (o *outcomeAcc) count(rs []runrecord.CheckResult) {
	for _, r := range rs {
		if o.byType == nil {
			o.byType = map[string]runrecord.CheckCounts{}
		}
		n := o.byType[r.Type]
		n.Run++
		if r.Pass {
			n.Passed++
		}
		o.byType[r.Type] = n
		if j := r.Judge; j != nil {
			o.judgeUsage(j)
		}
	}
}

func (o *outcomeAcc) judgeUsage(j *runrecord.JudgeUsage) {
	t := &o.judge
	t.Requests++
	if !j.OK {
		t.Failed++
	}
	t.InputTokens += int64(j.InputTokens)
	t.OutputTokens += int64(j.OutputTokens)
	t.Backend, t.Model = j.Backend, j.Model
	if j.Source != runrecord.TokensFromUsage {
		t.Estimated++
	}
}

// outcomes are the measured tasks' success over the completed tasks: by
// their checks when the workload has any, else by the absence of errors.
func (c *Accumulator) outcomes(s *runrecord.Summary) *runrecord.Outcomes {
	o := &runrecord.Outcomes{Basis: runrecord.OutcomeNoError, Tasks: s.Tasks.Completed, Passed: s.Tasks.Succeeded}
	if c.out.checked {
		o.Basis, o.Passed = runrecord.OutcomeChecked, c.out.passed
		o.ByType = c.out.byType
		o.PassK = passK(c.out.trials)
	}
	if o.Tasks > 0 {
		o.PassRate = float64(o.Passed) / float64(o.Tasks)
		o.PassRateLow, o.PassRateHigh = Wilson(o.Passed, o.Tasks, 0.95)
	}
	if c.out.judge.Requests > 0 {
		j := c.out.judge
		o.Judge = &j
	}
	return o
}

// Wilson is the Wilson score interval of k successes in n trials at
// confidence level conf (0.95: z = 1.96).
func Wilson(k, n int, conf float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 0
	}
	z := distuv.UnitNormal.Quantile(1 - (1-conf)/2)
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	center := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return max(0, center-half), min(1, center+half)
}

// maxPassK is the largest k reported.
const maxPassK = 8

// passK is τ-bench's pass^k for k = 1.. the most trials any instance had
// (at most maxPassK): the mean over instances with n ≥ k trials, c passes,
// of C(c, k) / C(n, k). It is reported only when some instance had more
// than one trial.
func passK(trials map[string][2]int) []runrecord.PassK {
	most := 0
	for _, t := range trials {
		most = max(most, t[0])
	}
	if most < 2 {
		return nil
	}
	keys := make([]string, 0, len(trials))
	for k := range trials {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []runrecord.PassK
	for k := 1; k <= min(most, maxPassK); k++ {
		sum, m := 0.0, 0
		for _, key := range keys {
			t := trials[key]
			if t[0] < k {
				continue
			}
			m++
			if t[1] >= k {
				sum += combin.GeneralizedBinomial(float64(t[1]), float64(k)) / combin.GeneralizedBinomial(float64(t[0]), float64(k))
			}
		}
		out = append(out, runrecord.PassK{K: k, Value: sum / float64(m), Instances: m})
	}
	return out
}

// outcomeWarnings say what a reader must know about the outcomes.
func (c *Accumulator) outcomeWarnings(s *runrecord.Summary) []string {
	var w []string
	if n := c.win.overflow; n > 0 {
		w = append(w, fmt.Sprintf("%d warm-up or cool-down requests were left out of the throughput: more than %d were waiting to be placed in or out of the window", n, maxPending))
	}
	o := s.Outcomes
	if o == nil || o.Tasks == 0 {
		return w
	}
	if j := o.Judge; j != nil && j.Failed > 0 {
		w = append(w, fmt.Sprintf("%d of %d judge requests failed: their checks count as failed", j.Failed, j.Requests))
	}
	return w
}

// OutcomesText says the outcomes in one line for people.
func OutcomesText(o *runrecord.Outcomes) string {
	if o.Basis == runrecord.OutcomeNoError {
		return fmt.Sprintf("success: not checked (the workload has no checks): %d of %d tasks had no failed step", o.Passed, o.Tasks)
	}
	s := fmt.Sprintf("success: %d of %d tasks passed the workload's checks, pass rate %.1f %% (95 %% interval %.1f–%.1f %%, measured)",
		o.Passed, o.Tasks, 100*o.PassRate, 100*o.PassRateLow, 100*o.PassRateHigh)
	for _, p := range o.PassK {
		if p.K > 1 {
			s += fmt.Sprintf("; pass^%d %.2f over %d instances", p.K, p.Value, p.Instances)
		}
	}
	if j := o.Judge; j != nil {
		s += fmt.Sprintf("; judge %s: %d requests, %d input and %d output tokens (not the tasks')", j.Model, j.Requests, j.InputTokens, j.OutputTokens)
	}
	return s
}
