package load

import (
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// recorded adds up what the workload's source recorded about the measured
// tasks (tau2's sessions): successes, bill and billed tokens. Guarded by
// the engine's mutex.
type recorded struct {
	o runrecord.RecordedOutcome
	// any is true once a measured task carried a recorded figure.
	any bool
}

// recordedOutcome notes a measured task's recorded success, cost and tokens.
func (e *engine) recordedOutcome(inst *workloads.Instance, phase string) {
	if phase != runrecord.PhaseMeasure {
		return
	}
	var in, out int64
	for _, s := range inst.Steps {
		in += int64(s.RecordedInputTokens)
		out += int64(s.RecordedOutputTokens)
	}
	if inst.RecordedSuccess == nil && !inst.HasRecordedCost && in+out == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := &e.rec.o
	e.rec.any = true
	r.Tasks++
	if r.Model == "" {
		r.Model = inst.RecordedModel
	}
	if inst.RecordedSuccess != nil {
		r.WithSuccess++
		if *inst.RecordedSuccess {
			r.Successes++
		}
	}
	if inst.HasRecordedCost {
		r.WithCost++
		r.CostUSD += inst.RecordedCostUSD
	}
	r.InputTokens += in
	r.OutputTokens += out
}

// outcome is the recorded outcome of the measured tasks, nil for none.
func (r *recorded) outcome() *runrecord.RecordedOutcome {
	if !r.any {
		return nil
	}
	o := r.o
	return &o
}
