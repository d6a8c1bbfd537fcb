package harness

import (
	"github.com/tcobench/tcobench/load"
)

// SearchBetween is the capacity search of a sweep between two loads (rates,
// or user counts when concurrency is set), each probe the sweep's run at
// the schedule point builds for a load value.
func SearchBetween(ss SweepSpec, low, high float64, concurrency bool, tolerance float64, point func(float64) (load.Schedule, error)) (CapacitySpec, error) {
	cs := CapacitySpec{Base: ss.Base, Dir: ss.Dir, MinGoodput: ss.MinGoodput, MaxErrors: ss.MaxErrors, Tolerance: tolerance,
		Low: low, High: high, Concurrency: concurrency, Point: point}
	return cs, cs.Validate()
}
