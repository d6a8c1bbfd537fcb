package load

import (
	"fmt"
	"sync"

	"github.com/tcobench/tcobench/outcome"
	"github.com/tcobench/tcobench/runrecord"
)

// taskChecks is a task's state for its success checks: each step's output,
// the attempts held back until the task's outcome is known, and the judge
// requests still running.
type taskChecks struct {
	outs     []outcome.Output
	mu       sync.Mutex
	held     []*runrecord.Attempt
	failed   []string // why steps failed, as their checks ran
	checking sync.WaitGroup
}

func newTaskChecks(steps int) *taskChecks {
	return &taskChecks{outs: make([]outcome.Output, steps)}
}

// record hands a finished (or dropped) attempt of step i on: straight to
// the record when the workload has no checks; otherwise after the step's
// checks ran (a judge check in the background, so that the next step is
// not delayed), held back when it may be the task's final attempt.
func (t *task) record(i int, a *runrecord.Attempt, out []byte) {
	e := t.e
	if t.chk == nil {
		e.finish(a)
		return
	}
	t.chk.outs[i] = outcome.Output{Text: string(out), ToolCalls: a.ToolCalls}
	checks := t.inst.Steps[i].Checks
	final := t.dag || i == len(t.inst.Steps)-1 || !a.OK
	id := t.inst.Steps[i].ID
	run := func() {
		var why string
		if a.OK {
			a.Checks = e.chk.Run(e.reqCtx, checks, t.chk.outs[i])
			for _, c := range a.Checks {
				if !c.Pass && why == "" {
					why = fmt.Sprintf("step %s: check %s failed: %s", id, label(c), c.Detail)
				}
			}
		} else {
			why = fmt.Sprintf("step %s failed: %s", id, a.ErrorClass)
		}
		t.chk.mu.Lock()
		if why != "" {
			t.chk.failed = append(t.chk.failed, why)
		}
		if final {
			t.chk.held = append(t.chk.held, a)
		}
		t.chk.mu.Unlock()
		if !final {
			e.finish(a)
		}
	}
	if !a.OK || !outcome.HasJudge(checks) {
		run()
		return
	}
	t.chk.checking.Add(1)
	go func() {
		defer t.chk.checking.Done()
		run()
	}()
}

// finishChecks judges the task once its steps are done, in the background
// (a judge request must not hold up a closed-loop user): it waits for the
// steps' judge checks, runs the task's own checks, puts the outcome on the
// final attempt and records the attempts held back.
func (t *task) finishChecks(done func()) {
	if t.chk == nil {
		done()
		return
	}
	e := t.e
	e.tasks.Add(1)
	go func() {
		defer e.tasks.Done()
		t.chk.checking.Wait()
		o := t.outcome()
		held := t.chk.held
		last := 0
		for k, a := range held {
			if a.EndNS > held[last].EndNS || a.EndNS == held[last].EndNS && a.StepIndex > held[last].StepIndex {
				last = k
			}
		}
		for k, a := range held {
			if k == last {
				a.Task = o
			}
			e.finish(a)
		}
		done()
	}()
}

// outcome judges the task: every step ran and succeeded and passed its
// checks, and the task's own checks passed (they run whenever every step
// answered, so that their counts say how each check did).
func (t *task) outcome() *runrecord.TaskOutcome {
	o := &runrecord.TaskOutcome{Pass: true, Instance: t.inst.Key}
	if o.Instance == "" {
		o.Instance = t.inst.Name
	}
	fail := func(format string, args ...any) {
		if o.Pass {
			o.Pass, o.Reason = false, fmt.Sprintf(format, args...)
		}
	}
	t.stepChecksInto(o)
	ran := true
	for i, r := range t.res {
		ran = ran && r.ok
		if !r.recorded {
			fail("step %s was not run", t.inst.Steps[i].ID)
		}
	}
	if ran {
		o.Checks = t.e.chk.Task(t.e.reqCtx, t.inst, t.chk.outs)
		for _, c := range o.Checks {
			if !c.Pass {
				fail("task check %s failed: %s", label(c), c.Detail)
			}
		}
	}
	return o
}

// stepChecksInto fails the outcome on the first step that failed or failed
// a check (the non-final steps' attempts were recorded already).
func (t *task) stepChecksInto(o *runrecord.TaskOutcome) {
	t.chk.mu.Lock()
	defer t.chk.mu.Unlock()
	for _, f := range t.chk.failed {
		if o.Pass {
			o.Pass, o.Reason = false, f
		}
	}
}

func label(c runrecord.CheckResult) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Type
}
