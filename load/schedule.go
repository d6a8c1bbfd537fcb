package load

import (
	"math"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// Schedule says how tasks arrive in a run. Each arrival mode is its own type
// (k6's executors are the model): Closed, Constant, Poisson, Gamma and
// Trace. Each owns its settings, the defaults it takes from the workload's
// own arrival, and its Validate.
type Schedule interface {
	// Mode is the arrival mode the schedule applies.
	Mode() runrecord.ArrivalMode
	// Validate checks the settings; errors name the setting
	// (*badinput.FieldError).
	Validate() error
	// withDefaults fills the settings left zero from the workload's arrival.
	withDefaults(a workloads.Arrival) Schedule
	// record writes the schedule's settings into the run record's load config.
	record(l *runrecord.LoadConfig)
}

// Closed is a closed loop: Users users, each starting its next task when the
// last one ended, plus ThinkTime.
type Closed struct {
	// Users defaults to the workload's users, else 1.
	Users int
	// ThinkTime defaults to the workload's think time.
	ThinkTime time.Duration
}

// Constant is an open loop with evenly spaced arrivals at Rate tasks per
// second, computed from the run's start whatever the server does.
type Constant struct {
	// Rate is in tasks per second; it defaults to the workload's rate.
	Rate float64
	// MaxInFlight caps requests in flight (0: no cap); arrivals wait for a
	// slot and the wait is recorded as queue time.
	MaxInFlight int
	// MaxQueue bounds the arrivals waiting for a slot; one beyond it is
	// dropped and recorded (0: no bound).
	MaxQueue int
}

// Poisson is an open loop with exponential gaps at Rate tasks per second,
// drawn from the run's seed.
type Poisson struct {
	Rate        float64
	MaxInFlight int
	MaxQueue    int
}

// Gamma is an open loop with gamma-distributed gaps at Rate tasks per
// second; Shape below 1 is burstier than Poisson (1 is Poisson).
type Gamma struct {
	Rate float64
	// Shape defaults to the workload's shape, else 1.
	Shape       float64
	MaxInFlight int
	MaxQueue    int
}

// Trace replays a trace's recorded arrival offsets times TimeScale, within
// [Start, End) of the recorded offsets (End 0: to the end).
type Trace struct {
	// TimeScale defaults to 1 (0.5 replays twice as fast).
	TimeScale   float64
	Start, End  time.Duration
	MaxInFlight int
	MaxQueue    int
}

// Mode implements Schedule.
func (Closed) Mode() runrecord.ArrivalMode   { return runrecord.ArrivalClosed }
func (Constant) Mode() runrecord.ArrivalMode { return runrecord.ArrivalConstant }
func (Poisson) Mode() runrecord.ArrivalMode  { return runrecord.ArrivalPoisson }
func (Gamma) Mode() runrecord.ArrivalMode    { return runrecord.ArrivalGamma }
func (Trace) Mode() runrecord.ArrivalMode    { return runrecord.ArrivalTrace }

// Validate implements Schedule.
func (s Closed) Validate() error {
	if s.Users < 1 {
		return badinput.Field("concurrency", s.Users, "a closed loop needs at least 1 user")
	}
	return nonNegative("think-time", s.ThinkTime)
}

// Validate implements Schedule.
func (s Constant) Validate() error { return checkOpen(s.Mode(), s.Rate, 1, s.MaxInFlight, s.MaxQueue) }

// Validate implements Schedule.
func (s Poisson) Validate() error { return checkOpen(s.Mode(), s.Rate, 1, s.MaxInFlight, s.MaxQueue) }

// Validate implements Schedule.
func (s Gamma) Validate() error {
	return checkOpen(s.Mode(), s.Rate, s.Shape, s.MaxInFlight, s.MaxQueue)
}

// Validate implements Schedule.
func (s Trace) Validate() error {
	if !(s.TimeScale > 0) || math.IsInf(s.TimeScale, 0) {
		return badinput.Field("time-scale", s.TimeScale, "want a positive factor (0.5 replays twice as fast)")
	}
	if err := nonNegative("trace-start", s.Start); err != nil {
		return err
	}
	if err := nonNegative("trace-end", s.End); err != nil {
		return err
	}
	if s.End > 0 && s.End <= s.Start {
		return badinput.Field("trace-end", s.End, "must come after trace-start %s", s.Start)
	}
	return checkCeiling(s.MaxInFlight, s.MaxQueue)
}

func checkOpen(mode runrecord.ArrivalMode, rate, shape float64, inFlight, queue int) error {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return badinput.Field("rate", rate, "%s arrivals need a rate in tasks per second above 0", mode)
	}
	if !(shape > 0) || math.IsInf(shape, 0) {
		return badinput.Field("gamma-shape", shape, "want a positive shape (1 is Poisson, below 1 burstier)")
	}
	return checkCeiling(inFlight, queue)
}

func checkCeiling(inFlight, queue int) error {
	if inFlight < 0 {
		return badinput.Field("concurrency", inFlight, "must be 0 (no ceiling) or more")
	}
	if queue < 0 {
		return badinput.Field("max-queue", queue, "must be 0 (no bound) or more")
	}
	return nil
}

func nonNegative(name string, d time.Duration) error {
	if d < 0 {
		return badinput.Field(name, d, "must not be negative")
	}
	return nil
}

func (s Closed) withDefaults(a workloads.Arrival) Schedule {
	if s.Users == 0 {
		s.Users = max(a.Users, 1)
	}
	if s.ThinkTime == 0 {
		s.ThinkTime = time.Duration(a.ThinkTimeNS)
	}
	return s
}

func (s Constant) withDefaults(a workloads.Arrival) Schedule {
	s.Rate = orRate(s.Rate, a)
	return s
}

func (s Poisson) withDefaults(a workloads.Arrival) Schedule {
	s.Rate = orRate(s.Rate, a)
	return s
}

func (s Gamma) withDefaults(a workloads.Arrival) Schedule {
	s.Rate = orRate(s.Rate, a)
	if s.Shape == 0 {
		s.Shape = a.GammaShape
	}
	if s.Shape == 0 {
		s.Shape = 1
	}
	return s
}

func (s Trace) withDefaults(workloads.Arrival) Schedule {
	if s.TimeScale == 0 {
		s.TimeScale = 1
	}
	return s
}

func orRate(r float64, a workloads.Arrival) float64 {
	if r == 0 {
		return a.RatePerS
	}
	return r
}

func (s Closed) record(l *runrecord.LoadConfig) {
	l.Mode, l.Concurrency, l.ThinkTime = s.Mode(), s.Users, runrecord.Duration(s.ThinkTime)
}

func (s Constant) record(l *runrecord.LoadConfig) {
	l.Mode, l.RatePerS, l.Concurrency = s.Mode(), s.Rate, s.MaxInFlight
}

func (s Poisson) record(l *runrecord.LoadConfig) {
	l.Mode, l.RatePerS, l.Concurrency = s.Mode(), s.Rate, s.MaxInFlight
}

func (s Gamma) record(l *runrecord.LoadConfig) {
	l.Mode, l.RatePerS, l.GammaShape, l.Concurrency = s.Mode(), s.Rate, s.Shape, s.MaxInFlight
}

func (s Trace) record(l *runrecord.LoadConfig) {
	l.Mode, l.TimeScale, l.Concurrency = s.Mode(), s.TimeScale, s.MaxInFlight
}

// ceiling returns a schedule's in-flight cap and queue bound (0, 0 for a closed loop).
func ceiling(s Schedule) (inFlight, queue int) {
	switch x := s.(type) {
	case Constant:
		return x.MaxInFlight, x.MaxQueue
	case Poisson:
		return x.MaxInFlight, x.MaxQueue
	case Gamma:
		return x.MaxInFlight, x.MaxQueue
	case Trace:
		return x.MaxInFlight, x.MaxQueue
	}
	return 0, 0
}

// Describe writes a schedule's settings into a run record's load config
// (mode, users or ceiling, rate, shape, time scale).
func Describe(sc Schedule, l *runrecord.LoadConfig) { sc.record(l) }
