package load

import (
	"strconv"
	"time"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// stepResult is what later steps need from an earlier one.
type stepResult struct {
	ok       bool
	sent     bool
	recorded bool // the step's attempt was recorded (sent or dropped)
	end      int64
	output   []byte
}

// task is one task instance being executed.
type task struct {
	e       *engine
	inst    *workloads.Instance
	id      string
	phase   string
	arrival int64
	res     []stepResult
	index   map[string]int
	dag     bool
	chk     *taskChecks // nil when the workload has no checks
}

// runTask executes inst, which arrived at arrival (run clock, ns), step by
// step. Steps run in order unless the task declares dependencies; a step
// whose dependency failed is not sent (the task has failed). It returns
// when the task ended on the run clock: the latest end of its recorded
// steps (a closed-loop user is ready again from then, plus its think time).
func (e *engine) runTask(inst workloads.Instance, n int, arrival int64, phase string) int64 {
	defer e.tasks.Done()
	t := &task{e: e, inst: &inst, id: inst.ID, phase: phase, arrival: arrival, res: make([]stepResult, len(inst.Steps))}
	if t.id == "" {
		t.id = "task-" + strconv.Itoa(n)
	}
	e.recordedCost(&inst, phase)
	e.recordedOutcome(&inst, phase)
	t.dag = hasDeps(&inst)
	if e.checked {
		t.chk = newTaskChecks(len(inst.Steps))
	}
	if !t.dag {
		for i := range inst.Steps {
			if i > 0 && !t.res[i-1].ok {
				break
			}
			t.step(i, t.readyAfter([]int{i - 1}))
		}
	} else {
		t.runDAG()
	}
	t.finishChecks(func() { e.taskDone(t.id) })
	return t.end()
}

// end is the latest end of the task's recorded steps, else now.
func (t *task) end() int64 {
	end := int64(-1)
	for _, r := range t.res {
		if r.recorded {
			end = max(end, r.end)
		}
	}
	if end < 0 {
		return t.e.clk.Now()
	}
	return end
}

func hasDeps(inst *workloads.Instance) bool {
	for _, s := range inst.Steps {
		if len(s.DependsOn) > 0 {
			return true
		}
	}
	return false
}

// runDAG runs steps concurrently as their dependencies allow.
func (t *task) runDAG() {
	t.index = make(map[string]int, len(t.inst.Steps))
	for i, s := range t.inst.Steps {
		t.index[s.ID] = i
	}
	done := make([]chan struct{}, len(t.inst.Steps))
	for i := range done {
		done[i] = make(chan struct{})
	}
	for i := range t.inst.Steps {
		deps := t.deps(i)
		go func() {
			defer close(done[i])
			for _, d := range deps {
				<-done[d]
				if !t.res[d].ok {
					return
				}
			}
			t.step(i, t.readyAfter(deps))
		}()
	}
	for _, d := range done {
		<-d
	}
}

// deps returns the indices of the steps step i waits for.
func (t *task) deps(i int) []int {
	s := t.inst.Steps[i]
	if len(s.DependsOn) == 0 {
		if i == 0 {
			return nil
		}
		return []int{i - 1}
	}
	var out []int
	for _, id := range s.DependsOn {
		if j, ok := t.index[id]; ok && j != i {
			out = append(out, j)
		}
	}
	return out
}

// readyAfter is when the last of deps ended (the arrival for none).
func (t *task) readyAfter(deps []int) int64 {
	at := t.arrival
	for _, d := range deps {
		if d >= 0 && t.res[d].end > at {
			at = t.res[d].end
		}
	}
	return at
}

// step sends step i once it is due (ready plus its delay) and records it.
func (t *task) step(i int, ready int64) {
	e, s := t.e, &t.inst.Steps[i]
	due := ready + s.DelayNS
	a := &runrecord.Attempt{TaskID: t.id, TaskName: t.inst.Name, StepID: s.ID, StepIndex: i, Phase: t.phase,
		ScheduledNS: due, DelayNS: s.DelayNS, Backend: e.be.Kind(), Model: e.cfg.Target.Model, Seq: e.seq.Add(1) - 1}
	if !e.waitUntil(due) {
		dropped(a, e.clk, "run stopped before the step was due")
		t.res[i] = stepResult{recorded: true, end: a.EndNS}
		t.record(i, a, nil)
		return
	}
	if !e.acquire(a) {
		t.res[i] = stepResult{recorded: true, end: a.EndNS}
		t.record(i, a, nil)
		return
	}
	req := &modelapi.Request{Model: e.cfg.Target.Model, Messages: t.messages(i), MaxTokens: s.MaxTokens,
		KeepOutput: e.live && i < len(t.inst.Steps)-1 || e.checked, Tools: s.Tools, ResponseSchema: s.ResponseSchema}
	e.inflight.Add(1)
	e.sent.Add(1)
	out := e.be.Do(e.reqCtx, e.clk, req, a)
	e.inflight.Add(-1)
	e.release()
	t.res[i] = stepResult{ok: a.OK, sent: true, recorded: true, end: a.EndNS, output: out}
	t.record(i, a, out)
}

// messages builds step i's conversation: the carried steps' messages and
// outputs (in step order), then the step's own messages.
func (t *task) messages(i int) []modelapi.Message {
	s := &t.inst.Steps[i]
	if !s.CarryAll && len(s.Carry) == 0 {
		return s.Messages
	}
	carry := make([]bool, i)
	for j := range carry {
		carry[j] = s.CarryAll
	}
	for _, id := range s.Carry {
		for j := 0; j < i; j++ {
			if t.inst.Steps[j].ID == id {
				carry[j] = true
			}
		}
	}
	var msgs []modelapi.Message
	for j, c := range carry {
		if !c {
			continue
		}
		msgs = append(msgs, t.inst.Steps[j].Messages...)
		out := t.inst.Steps[j].RecordedOutput
		if t.e.live {
			out = string(t.res[j].output)
		}
		if out != "" {
			msgs = append(msgs, modelapi.Message{Role: "assistant", Content: out})
		}
	}
	return append(msgs, s.Messages...)
}

// waitUntil sleeps until due on the run clock; false if sending stopped.
func (e *engine) waitUntil(due int64) bool {
	d := due - e.clk.Now()
	if d <= 0 {
		return e.sendCtx.Err() == nil
	}
	tm := time.NewTimer(time.Duration(d))
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-e.sendCtx.Done():
		return false
	}
}

// acquire takes a slot under the concurrency ceiling, recording the wait.
// It returns false (the attempt marked dropped, for the caller to record)
// when the queue is full or sending stopped while it waited.
func (e *engine) acquire(a *runrecord.Attempt) bool {
	if e.slots == nil {
		return true
	}
	if e.maxQueue > 0 && e.queued.Add(1) > int64(e.maxQueue) {
		e.queued.Add(-1)
		dropped(a, e.clk, "concurrency ceiling queue full")
		return false
	}
	defer func() {
		if e.maxQueue > 0 {
			e.queued.Add(-1)
		}
	}()
	select {
	case e.slots <- struct{}{}:
		a.QueuedNS = max(0, e.clk.Now()-a.ScheduledNS)
		return true
	case <-e.sendCtx.Done():
		dropped(a, e.clk, "run stopped while waiting for a concurrency slot")
		return false
	}
}

func (e *engine) release() {
	if e.slots != nil {
		<-e.slots
	}
}

// dropped marks an attempt that was scheduled but never sent.
func dropped(a *runrecord.Attempt, clk modelapi.Clock, why string) {
	a.EndNS = clk.Now()
	a.OK, a.ErrorClass, a.Error = false, runrecord.ErrDropped, why
	a.Tokens.Source = runrecord.TokensEstimated
}
