package harness

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// CapacitySpec is a capacity search: the same run at loads chosen by
// bisection between Low and High, to find the highest load meeting the
// SLOs within a stated tolerance.
type CapacitySpec struct {
	// Base is the run; each probe replaces its schedule and directory.
	Base Spec
	// Point builds the schedule of one load value: a rate in tasks per
	// second, or a number of closed-loop users (Concurrency true).
	Point       func(v float64) (load.Schedule, error)
	Concurrency bool
	// Low and High bound the search; Tolerance is the relative width at
	// which it stops: High−Low ≤ Tolerance × Low (concurrency: or 1 user).
	Low, High, Tolerance float64
	// MaxProbes bounds the runs (0: DefaultMaxProbes).
	MaxProbes int
	// Dir gets capacity.json and one run directory per probe.
	Dir string
	// A probe passes as a sweep point does: at least MinGoodput of its
	// measured requests met every SLO and at most MaxErrors failed.
	MinGoodput, MaxErrors float64
}

// DefaultMaxProbes bounds a capacity search's runs.
const DefaultMaxProbes = 12

// Validate checks the search before anything runs.
func (s CapacitySpec) Validate() error {
	switch {
	case len(s.Base.Load.SLOs) == 0:
		return badinput.Field("slo", nil, "a capacity search needs SLOs (what \"meeting the SLOs\" means)")
	case s.Point == nil:
		return badinput.Errorf("a capacity search needs a way to build its load points")
	case !(s.Low > 0) || !(s.High > s.Low) || math.IsInf(s.High, 0):
		return badinput.Errorf("a capacity search needs bounds 0 < low < high, got %g and %g", s.Low, s.High)
	case !(s.Tolerance > 0 && s.Tolerance < 1):
		return badinput.Field("tolerance", s.Tolerance, "want a fraction above 0 and below 1 (0.1: stop within 10 %%)")
	case s.Concurrency && (s.Low != math.Trunc(s.Low) || s.High != math.Trunc(s.High)):
		return badinput.Errorf("a concurrency search's bounds are whole numbers of users, got %g and %g", s.Low, s.High)
	case s.Dir == "":
		return badinput.Field("out", nil, "no capacity search directory given")
	}
	return nil
}

// Capacity runs the search and writes capacity.json. It probes Low (which
// must meet the SLOs) and High (which, when it meets them too, is the
// answer, not converged), then bisects (at the geometric mean for rates,
// the middle user count for concurrency) until the bracket is within the
// tolerance. It returns *SLOsNotMetError when Low does not meet the SLOs.
func Capacity(ctx context.Context, s CapacitySpec) (*runrecord.Capacity, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.MaxProbes <= 0 {
		s.MaxProbes = DefaultMaxProbes
	}
	progress := s.Base.Load.Progress
	if progress == nil {
		progress = io.Discard
	}
	res := &runrecord.Capacity{Sweep: runrecord.Sweep{Kind: "rate", SLOs: s.Base.Load.SLOs, MinGoodput: s.MinGoodput, MaxErrors: s.MaxErrors, Best: -1},
		Low: s.Low, High: s.High, Tolerance: s.Tolerance}
	if s.Concurrency {
		res.Kind = "concurrency"
	}
	probe := func(v float64) (bool, error) {
		sc, err := s.Point(v)
		if err != nil {
			return false, err
		}
		tag := pointTag(sc, "")
		fmt.Fprintf(progress, "capacity probe %d: %s\n", len(res.Points)+1, tag)
		spec := s.Base
		spec.Load.Schedule = sc
		spec.Load.OutDir = filepath.Join(s.Dir, fmt.Sprintf("%02d-%s", len(res.Points)+1, tag))
		r, err := Run(ctx, spec)
		if r == nil {
			return false, err
		}
		p := judgePoint(r, sc, s.MinGoodput, s.MaxErrors)
		res.Points = append(res.Points, p)
		if p.Meets && (res.Best < 0 || v > res.BracketLow) {
			res.Best, res.BracketLow = len(res.Points)-1, v
		}
		if r.Run.Partial {
			return p.Meets, fmt.Errorf("capacity probe %s was cut short: the search stops", tag)
		}
		return p.Meets, nil
	}
	err := s.search(res, probe)
	if werr := runrecord.WriteCapacity(s.Dir, res); err == nil {
		err = werr
	}
	if err == nil && res.Best < 0 {
		err = &SLOsNotMetError{SweepFile: filepath.Join(s.Dir, runrecord.CapacityFile)}
	}
	return res, err
}

// search brackets and bisects.
func (s CapacitySpec) search(res *runrecord.Capacity, probe func(float64) (bool, error)) error {
	ok, err := probe(s.Low)
	if err != nil || !ok {
		return err
	}
	lo, hi := s.Low, s.High
	if ok, err = probe(hi); err != nil || ok {
		res.BracketHigh = hi
		return err
	}
	for len(res.Points) < s.MaxProbes && !s.narrow(lo, hi) {
		mid := math.Sqrt(lo * hi)
		if s.Concurrency {
			mid = math.Floor((lo + hi) / 2)
		}
		ok, err := probe(mid)
		if err != nil {
			return err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	res.BracketLow, res.BracketHigh, res.Converged = lo, hi, s.narrow(lo, hi)
	return nil
}

// narrow reports whether the bracket is within the tolerance.
func (s CapacitySpec) narrow(lo, hi float64) bool {
	return hi-lo <= s.Tolerance*lo || s.Concurrency && hi-lo <= 1
}
