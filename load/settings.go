package load

import (
	"math"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// LoadSettings is a load as flags and suite files state it, flat: one
// Concurrency that means users in a closed loop and the in-flight ceiling
// in an open one. Schedule turns it into the Schedule it stands for.
type LoadSettings struct {
	// Arrival is the mode's name; "" chooses as ChooseMode says.
	Arrival     string
	Concurrency int
	Rate        float64
	GammaShape  float64
	ThinkTime   time.Duration
	TimeScale   float64
	TraceStart  time.Duration
	TraceEnd    time.Duration
	MaxQueue    int
}

// ChooseMode is the one rule for the arrival mode when none is named: an
// open-loop Poisson process when a rate is given, a closed loop when only a
// concurrency is, else the workload's own arrival, else a closed loop.
func ChooseMode(s LoadSettings, a workloads.Arrival) (runrecord.ArrivalMode, error) {
	switch {
	case s.Arrival != "":
		m, err := runrecord.ParseArrivalMode(s.Arrival)
		if err != nil {
			return "", badinput.Field("arrival", s.Arrival, "want closed, constant, poisson, gamma or trace")
		}
		return m, nil
	case s.Rate > 0:
		return runrecord.ArrivalPoisson, nil
	case s.Concurrency > 0:
		return runrecord.ArrivalClosed, nil
	case a.Process != "":
		return a.Process, nil
	}
	return runrecord.ArrivalClosed, nil
}

// Schedule returns the schedule these settings stand for against a workload
// of arrival a, with defaults filled and validated.
func (s LoadSettings) Schedule(a workloads.Arrival) (Schedule, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	mode, err := ChooseMode(s, a)
	if err != nil {
		return nil, err
	}
	var sc Schedule
	switch mode {
	case runrecord.ArrivalClosed:
		sc = Closed{Users: s.Concurrency, ThinkTime: s.ThinkTime}
	case runrecord.ArrivalConstant:
		sc = Constant{Rate: s.Rate, MaxInFlight: s.Concurrency, MaxQueue: s.MaxQueue}
	case runrecord.ArrivalPoisson:
		sc = Poisson{Rate: s.Rate, MaxInFlight: s.Concurrency, MaxQueue: s.MaxQueue}
	case runrecord.ArrivalGamma:
		sc = Gamma{Rate: s.Rate, Shape: s.GammaShape, MaxInFlight: s.Concurrency, MaxQueue: s.MaxQueue}
	default:
		sc = Trace{TimeScale: s.TimeScale, Start: s.TraceStart, End: s.TraceEnd, MaxInFlight: s.Concurrency, MaxQueue: s.MaxQueue}
	}
	sc = sc.withDefaults(a)
	return sc, sc.Validate()
}

// check refuses values no schedule can use, naming the setting, before
// any mode is chosen.
func (s LoadSettings) check() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"think-time", s.ThinkTime}, {"trace-start", s.TraceStart}, {"trace-end", s.TraceEnd}} {
		if err := nonNegative(d.name, d.v); err != nil {
			return err
		}
	}
	for _, n := range []struct {
		name string
		v    float64
	}{{"concurrency", float64(s.Concurrency)}, {"max-queue", float64(s.MaxQueue)},
		{"rate", s.Rate}, {"gamma-shape", s.GammaShape}, {"time-scale", s.TimeScale}} {
		if n.v < 0 || math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			return badinput.Field(n.name, n.v, "must be a finite number, 0 or more")
		}
	}
	return nil
}

// Limits bound a run: the measured phase, the phases around it, and each
// request.
type Limits struct {
	// Duration is the measured phase's length; Count the number of measured
	// tasks. Either ends it; a run that is not a trace replay needs one.
	Duration time.Duration
	Count    int
	// Warmup and Cooldown run before and after the measured phase and are
	// excluded from the figures.
	Warmup, Cooldown time.Duration
	// RequestTimeout bounds one request from send to the end of its stream (0: none).
	RequestTimeout time.Duration
	// Grace is how long requests in flight may finish after the run is
	// interrupted (0: DefaultGrace).
	Grace time.Duration
}

// Validate checks the limits for a schedule of mode m.
func (l Limits) Validate(m runrecord.ArrivalMode) error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"duration", l.Duration}, {"warmup", l.Warmup}, {"cooldown", l.Cooldown},
		{"request-timeout", l.RequestTimeout}, {"grace", l.Grace}} {
		if err := nonNegative(d.name, d.v); err != nil {
			return err
		}
	}
	if l.Count < 0 {
		return badinput.Field("requests", l.Count, "must be 0 or more")
	}
	if m != runrecord.ArrivalTrace && l.Duration <= 0 && l.Count <= 0 {
		return badinput.Field("duration", nil, "give a duration or a number of requests (the workload has no end)")
	}
	return nil
}
