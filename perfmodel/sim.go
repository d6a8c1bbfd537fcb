package perfmodel

import (
	"container/heap"
	"errors"
	"fmt"
	"math"

	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
)

// Load is the load applied to one simulated server, as a run applies it.
type Load struct {
	// Mode is closed, constant, poisson, gamma or trace (workloads.Arrival*).
	Mode       runrecord.ArrivalMode `json:"mode"`
	Users      int                   `json:"users,omitempty"`
	RatePerS   float64               `json:"rate_per_s,omitempty"`
	GammaShape float64               `json:"gamma_shape,omitempty"`
	ThinkNS    int64                 `json:"think_ns,omitempty"`
	// TimeScale multiplies trace offsets (0: 1).
	TimeScale float64 `json:"time_scale,omitempty"`
	Seed      uint64  `json:"seed"`
}

// SimOptions bound a simulation.
type SimOptions struct {
	// Tasks is how many task instances to run (a finite workload may have fewer).
	Tasks int
	// WarmupFraction of the tasks at each end are warm-up and cool-down,
	// outside the measured figures (0: 0.1).
	WarmupFraction float64
	// SLOs are judged for goodput, as a run judges them.
	SLOs []runrecord.SLO
}

// SimResult is what a simulation produced.
type SimResult struct {
	// Attempts are the simulated requests, as a run records them.
	Attempts []runrecord.Attempt
	// Summary is computed from them by load/metrics, as for a run.
	Summary *runrecord.Summary
	// MaxBatch is the largest number of sequences in one step; KVBound
	// is true when the KV cache, not MaxSeqs, held a request back.
	MaxBatch int
	KVBound  bool
	// Dropped counts requests larger than the whole KV cache (never run).
	Dropped int
}

// originNS shifts the simulated clock so that no send time is zero (a
// zero time means "did not happen" in the run record).
const originNS = 1_000_000

type sreq struct {
	task, step         int
	ready, first, end  float64
	prompt, toPrefill  int
	prefilled, gen     int
	out                int
	kv                 float64
	seq                int64
	dropped, scheduled bool
}

type stask struct {
	t       Task
	arrival float64
	phase   string
	left    []int
	reqs    []*sreq
	done    int
}

type sim struct {
	r        *Replica
	e        Engine
	w        *Workload
	l        Load
	o        SimOptions
	kvCap    float64
	kvUsed   float64
	now      float64
	events   reqHeap
	waiting  []*sreq
	running  []*sreq
	tasks    []*stask
	started  int
	seq      int64
	res      *SimResult
	arrivals *load.Arrivals
	window   int
}

// Simulate runs the workload on one server replica under the load.
func Simulate(r *Replica, e Engine, w *Workload, l Load, o SimOptions) (*SimResult, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if o.Tasks < 1 {
		return nil, errors.New("simulation: tasks must be at least 1")
	}
	if o.WarmupFraction == 0 {
		o.WarmupFraction = 0.1
	}
	if w.Len >= 0 && w.Len < o.Tasks {
		o.Tasks = max(w.Len, 1)
	}
	s := &sim{r: r, e: e, w: w, l: l, o: o, kvCap: e.kvCapacity(r), res: &SimResult{}, window: r.Arch.SlidingWindow}
	if s.kvCap <= 0 {
		return nil, fmt.Errorf("model %s does not fit %d × %s: no memory left for the KV cache", r.Arch.Name, r.TP, r.Dev.Name)
	}
	if err := s.start(); err != nil {
		return nil, err
	}
	s.run()
	return s.finish(), nil
}

func (s *sim) start() error {
	switch s.l.Mode {
	case runrecord.ArrivalClosed:
		for u := 0; u < max(s.l.Users, 1); u++ {
			s.startTask(0)
		}
	case runrecord.ArrivalTrace:
		for s.startTask(-1) {
		}
	default:
		arr, err := load.NewArrivals(s.l.Mode, s.l.RatePerS, s.l.GammaShape, s.l.Seed)
		if err != nil {
			return err
		}
		s.arrivals = arr
		for s.startTask(float64(arr.At(s.started)) / 1e9) {
		}
	}
	return nil
}

// startTask starts the next task instance at time at (trace: its own
// offset); false when no more tasks should start.
func (s *sim) startTask(at float64) bool {
	if s.started >= s.o.Tasks {
		return false
	}
	t, ok := s.w.Task(s.started)
	if !ok || len(t.Steps) == 0 {
		return false
	}
	if at < 0 {
		scale := s.l.TimeScale
		if scale == 0 {
			scale = 1
		}
		at = float64(max(t.AtNS, 0)) * scale / 1e9
	}
	st := &stask{t: t, arrival: at, phase: s.phaseOf(s.started), left: make([]int, len(t.Steps)), reqs: make([]*sreq, len(t.Steps))}
	idx := len(s.tasks)
	s.tasks = append(s.tasks, st)
	s.started++
	for i, step := range t.Steps {
		st.left[i] = len(step.Deps)
		toPrefill := step.Prompt
		if s.e.PrefixCache {
			toPrefill = max(step.Prompt-step.Cached, 1)
		}
		st.reqs[i] = &sreq{task: idx, step: i, prompt: step.Prompt, toPrefill: toPrefill, out: max(step.Out, 1),
			kv: s.r.KVBytes(step.Prompt + step.Out)}
		if st.left[i] == 0 {
			s.schedule(st.reqs[i], at+float64(step.DelayNS)/1e9)
		}
	}
	// Open-loop arrivals are generated up to the task limit at once.
	if s.arrivals != nil {
		return true
	}
	return s.l.Mode == runrecord.ArrivalTrace
}

func (s *sim) phaseOf(i int) string {
	n := int(math.Round(float64(s.o.Tasks) * s.o.WarmupFraction))
	switch {
	case i < n:
		return runrecord.PhaseWarmup
	case i >= s.o.Tasks-n:
		return runrecord.PhaseCooldown
	}
	return runrecord.PhaseMeasure
}

func (s *sim) schedule(q *sreq, at float64) {
	q.ready, q.scheduled = at, true
	q.seq = s.seq
	s.seq++
	heap.Push(&s.events, q)
}

func (s *sim) release() {
	for s.events.Len() > 0 && s.events[0].ready <= s.now {
		s.waiting = append(s.waiting, heap.Pop(&s.events).(*sreq))
	}
}

// admit moves waiting requests, first come first served, into the batch
// while the sequence cap and the KV cache allow.
func (s *sim) admit() {
	if s.e.Static && len(s.running) > 0 {
		return
	}
	n := 0
	for _, q := range s.waiting {
		if len(s.running) >= s.e.MaxSeqs {
			break
		}
		if q.kv > s.kvCap {
			q.dropped, q.end = true, s.now
			s.res.Dropped++
			s.complete(q)
			n++
			continue
		}
		if s.kvUsed+q.kv > s.kvCap {
			s.res.KVBound = true
			break
		}
		s.kvUsed += q.kv
		s.running = append(s.running, q)
		n++
	}
	s.waiting = s.waiting[n:]
}

func (s *sim) run() {
	for {
		s.release()
		s.admit()
		if len(s.running) == 0 {
			if s.events.Len() == 0 {
				return
			}
			s.now = s.events[0].ready
			continue
		}
		s.step()
	}
}

type chunk struct {
	q *sreq
	k int
}

// step runs one engine step (or several identical decode steps at once).
func (s *sim) step() {
	var b Batch
	var chunks []chunk
	budget := s.e.TokenBudget
	if s.e.Static {
		budget = math.MaxInt32
	}
	minLeft := math.MaxInt32
	for _, q := range s.running {
		if q.prefilled == q.toPrefill {
			ctx := q.prompt + q.gen
			b.Decodes++
			b.DecodeCtx += float64(ctx)
			b.DecodeCtxWin += float64(s.win(ctx))
			minLeft = min(minLeft, q.out-q.gen)
			budget--
		}
	}
	for _, q := range s.running {
		if q.prefilled < q.toPrefill && budget > 0 {
			k := min(budget, q.toPrefill-q.prefilled)
			p := q.prompt - q.toPrefill + q.prefilled
			full, win := chunkAttn(p, k, s.window)
			b.PrefillTokens += k
			b.PrefillAttn += full
			b.PrefillAttnWin += win
			b.PrefillKVRead += float64(p)
			if q.prefilled+k == q.toPrefill {
				b.PrefillDone++
			}
			budget -= k
			chunks = append(chunks, chunk{q, k})
		}
	}
	b.Seqs = b.Decodes + len(chunks)
	s.res.MaxBatch = max(s.res.MaxBatch, b.Seqs)
	dt := s.r.StepTime(b)
	k := 1
	if len(chunks) == 0 && minLeft > 1 {
		k = minLeft
		if s.events.Len() > 0 {
			k = min(k, max(1, int(math.Ceil((s.events[0].ready-s.now)/dt))))
		}
		if k > 1 {
			end := b
			end.DecodeCtx += float64(b.Decodes * (k - 1))
			end.DecodeCtxWin = s.winCtxAfter(k - 1)
			dt = (dt + s.r.StepTime(end)) / 2
		}
	}
	s.now += dt * float64(k)
	s.advance(chunks, k)
}

func (s *sim) win(ctx int) int {
	if s.window > 0 {
		return min(ctx, s.window)
	}
	return ctx
}

// winCtxAfter is the decodes' windowed context after n more tokens.
func (s *sim) winCtxAfter(n int) float64 {
	var sum float64
	for _, q := range s.running {
		if q.prefilled == q.toPrefill {
			sum += float64(s.win(q.prompt + q.gen + n))
		}
	}
	return sum
}

// advance applies a step: decodes gain k tokens, chunks progress, and
// finished requests leave the batch.
func (s *sim) advance(chunks []chunk, k int) {
	for _, q := range s.running {
		if q.prefilled == q.toPrefill {
			q.gen += k
		}
	}
	for _, c := range chunks {
		c.q.prefilled += c.k
		if c.q.prefilled == c.q.toPrefill {
			c.q.gen, c.q.first = 1, s.now
		}
	}
	kept := s.running[:0]
	for _, q := range s.running {
		if q.gen >= q.out {
			q.end = s.now
			s.kvUsed -= q.kv
			s.complete(q)
			continue
		}
		kept = append(kept, q)
	}
	s.running = kept
}

// complete ends a request: its dependants become ready after their delay;
// a finished task lets a closed-loop user start its next one.
func (s *sim) complete(q *sreq) {
	t := s.tasks[q.task]
	t.done++
	for i, step := range t.t.Steps {
		for _, d := range step.Deps {
			if d != q.step {
				continue
			}
			t.left[i]--
			if t.left[i] == 0 && !q.dropped {
				s.schedule(t.reqs[i], s.now+float64(step.DelayNS)/1e9)
			}
		}
	}
	if s.l.Mode == runrecord.ArrivalClosed && s.taskOver(t) {
		s.startTask(s.now + float64(s.l.ThinkNS)/1e9)
	}
}

// taskOver reports whether every step of t that will run has ended.
func (s *sim) taskOver(t *stask) bool {
	for _, q := range t.reqs {
		if q.scheduled && q.end == 0 && !q.dropped {
			return false
		}
	}
	return true
}

func (s *sim) finish() *SimResult {
	acc := metrics.NewAccumulator(s.o.SLOs)
	ns := func(x float64) int64 { return originNS + int64(math.Round(x*1e9)) }
	for _, t := range s.tasks {
		for _, q := range t.reqs {
			if !q.scheduled {
				continue
			}
			step := t.t.Steps[q.step]
			a := runrecord.Attempt{Seq: q.seq, TaskID: t.t.ID, TaskName: t.t.Name, StepID: step.ID, StepIndex: q.step, Phase: t.phase,
				Backend: "simulated", ScheduledNS: ns(q.ready), DelayNS: step.DelayNS, SentNS: ns(q.ready)}
			if q.dropped {
				a.ErrorClass, a.Error, a.EndNS = runrecord.ErrOther, "the request's context exceeds the whole KV cache", ns(q.end)
			} else {
				a.OK, a.FirstTokenNS, a.EndNS = true, ns(q.first), ns(q.end)
				a.Tokens = runrecord.Tokens{Input: q.prompt, CachedInput: q.prompt - q.toPrefill, Output: q.out, StreamOutput: q.out, Source: runrecord.TokensFromUsage}
			}
			acc.Add(&a)
			s.res.Attempts = append(s.res.Attempts, a)
		}
	}
	s.res.Summary = acc.Summary(runrecord.Window{})
	return s.res
}

// reqHeap orders requests by ready time, then by scheduling order.
type reqHeap []*sreq

func (h reqHeap) Len() int { return len(h) }
func (h reqHeap) Less(i, j int) bool {
	if h[i].ready != h[j].ready {
		return h[i].ready < h[j].ready
	}
	return h[i].seq < h[j].seq
}
func (h reqHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *reqHeap) Push(x any)   { *h = append(*h, x.(*sreq)) }
func (h *reqHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	*h = old[:len(old)-1]
	return q
}
