package load

import (
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// load applies the configured load until the gate closes, the plan ends or
// sending stops. It returns when no more tasks will start; tasks already
// started may still be running (e.tasks).
func (e *engine) load() error {
	switch e.cfg.load.Mode {
	case runrecord.ArrivalClosed:
		e.closedLoop()
		return nil
	case runrecord.ArrivalTrace:
		e.traceLoop()
		return nil
	}
	arr, err := NewArrivals(e.cfg.load.Mode, e.cfg.load.RatePerS, e.cfg.load.GammaShape, e.cfg.Seed)
	if err != nil {
		return err
	}
	e.openLoop(arr)
	return nil
}

// instance fetches plan instance i; false past the end of a finite plan
// (Len > 0) or when the plan says so.
func (e *engine) instance(i int) (workloads.Instance, bool) {
	if e.cfg.Plan.Len > 0 && i >= e.cfg.Plan.Len {
		return workloads.Instance{}, false
	}
	return e.cfg.Plan.Instance(i)
}

// openLoop starts task i at arr.At(i), whatever the server is doing. An
// arrival another shard keeps is passed over before its instance is built.
func (e *engine) openLoop(arr *Arrivals) {
	for i := 0; ; i++ {
		at := arr.At(i)
		phase, ok := e.gate.admit(at)
		if !ok || e.cfg.Plan.Len > 0 && i >= e.cfg.Plan.Len {
			return
		}
		if !e.cfg.Shard.keeps(i) {
			continue
		}
		inst, ok := e.instance(i)
		if !ok || !e.dispatch(inst, i, at, phase) {
			return
		}
	}
}

// dispatch starts arrival i at its time when this shard keeps it; false
// when the run ended while it waited.
func (e *engine) dispatch(inst workloads.Instance, i int, at int64, phase string) bool {
	if !e.cfg.Shard.keeps(i) {
		return true
	}
	if !e.waitPrecise(at) {
		return false
	}
	e.startPaced(inst, i, at, phase)
	return true
}

// traceLoop starts each trace instance at its recorded offset, within the
// configured window, times the time scale.
func (e *engine) traceLoop() {
	from, to := e.cfg.traceStart, e.cfg.traceEnd
	scale := e.cfg.load.TimeScale
	for i := 0; ; i++ {
		inst, ok := e.instance(i)
		if !ok {
			return
		}
		if inst.AtNS < from || (to > 0 && inst.AtNS >= to) {
			continue
		}
		at := int64(float64(inst.AtNS-from) * scale)
		phase, ok := e.gate.admit(at)
		if !ok || !e.dispatch(inst, i, at, phase) {
			return
		}
	}
}

// closedLoop runs Concurrency users, each starting its next task when the
// last one ended plus the think time.
func (e *engine) closedLoop() {
	think := int64(e.cfg.load.ThinkTime)
	done := make(chan struct{})
	users := e.cfg.load.Concurrency
	for u := 0; u < users; u++ {
		go func() {
			defer func() { done <- struct{}{} }()
			ready := e.clk.Now()
			for {
				phase, ok := e.gate.admit(ready)
				if !ok {
					return
				}
				i := int(e.next.Add(1) - 1)
				inst, ok := e.instance(i)
				if !ok {
					e.gate.stop()
					return
				}
				e.tasks.Add(1)
				// The user is ready again when its task ended (not when
				// tcobench got round to it) plus the think time.
				ready = e.runTask(inst, i, ready, phase) + think
				if !e.waitUntil(ready) {
					return
				}
			}
		}()
	}
	for u := 0; u < users; u++ {
		<-done
	}
}

// startPaced starts a task from the pacer goroutine. The new goroutine
// sits in the pacer's P (runnext); waitPrecise yields to it before its
// clock_nanosleep system call, during which nothing would run it until the
// runtime's sysmon retakes the P (20 µs to 10 ms).
func (e *engine) startPaced(inst workloads.Instance, i int, at int64, phase string) {
	e.start(inst, i, at, phase)
}

// start runs a task in its own goroutine.
func (e *engine) start(inst workloads.Instance, i int, at int64, phase string) {
	e.tasks.Add(1)
	go e.runTask(inst, i, at, phase)
}
