package load

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tcobench/tcobench/internal/randdist"
)

// Pacer says when the next arrival is due, vegeta style: given the time
// elapsed since the run's start and the arrivals so far, how long to wait.
// The schedule is a function of the run's start alone, never of when the
// server answers.
type Pacer interface {
	Pace(elapsed time.Duration, hits uint64) (wait time.Duration, stop bool)
}

// Arrivals is an open-loop arrival schedule: arrival i is due At(i)
// nanoseconds after the run's start. Stochastic schedules are drawn from a
// seeded generator, so the same seed gives the same schedule. Calls must ask
// for arrivals in increasing order (each At(i) may draw the gaps up to i).
type Arrivals struct {
	process runrecord.ArrivalMode
	rate    float64
	shape   float64
	rng     *rand.Rand
	next    int
	at      float64 // seconds, time of arrival next-1
}

// NewArrivals returns the schedule of an open-loop process (constant,
// poisson or gamma) at rate arrivals per second. shape is the gamma shape
// (1 is Poisson; below 1 burstier).
func NewArrivals(process runrecord.ArrivalMode, rate, shape float64, seed uint64) (*Arrivals, error) {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil, fmt.Errorf("arrival rate %v: want a positive number of tasks per second", rate)
	}
	switch process {
	case runrecord.ArrivalConstant, runrecord.ArrivalPoisson:
	case runrecord.ArrivalGamma:
		if !(shape > 0) {
			return nil, fmt.Errorf("gamma shape %v: want a positive number (1 is Poisson, below 1 burstier)", shape)
		}
	default:
		return nil, fmt.Errorf("arrival process %q: want constant, poisson or gamma", process)
	}
	return &Arrivals{process: process, rate: rate, shape: shape, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}, nil
}

// At returns arrival i's offset from the run's start in nanoseconds.
func (s *Arrivals) At(i int) int64 {
	if s.process == runrecord.ArrivalConstant {
		return int64(float64(i) / s.rate * 1e9)
	}
	for s.next <= i {
		if s.next > 0 {
			s.at += s.gap()
		}
		s.next++
	}
	return int64(s.at * 1e9)
}

// Pace implements Pacer.
func (s *Arrivals) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	return max(0, time.Duration(s.At(int(hits)))-elapsed), false
}

// gap draws the next inter-arrival time in seconds.
func (s *Arrivals) gap() float64 {
	if s.process == runrecord.ArrivalPoisson {
		return s.rng.ExpFloat64() / s.rate
	}
	return randdist.Gamma(s.rng, s.shape) / (s.shape * s.rate)
}
