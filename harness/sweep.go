package harness

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// SweepSpec is a sweep: the same run at several load points, one run
// directory per point inside Dir, to find the highest load still meeting
// the SLOs.
type SweepSpec struct {
	// Base is the run; each point replaces its schedule and directory.
	Base Spec
	// Points are the schedules to try, in order: all closed loops (a
	// concurrency sweep) or all open loops (a rate sweep).
	Points []load.Schedule
	// Dir is the sweep directory; it gets sweep.json.
	Dir string
	// A point passes when at least MinGoodput of its measured requests met
	// every SLO at once and at most MaxErrors of them failed.
	MinGoodput, MaxErrors float64
	// KeepGoing runs every point even after one fails; else the sweep stops
	// at the first failing point.
	KeepGoing bool
}

// Validate checks the sweep before anything runs.
func (s SweepSpec) Validate() error {
	if len(s.Base.Load.SLOs) == 0 {
		return badinput.Field("slo", nil, "a sweep needs SLOs (what \"meeting the SLOs\" means)")
	}
	if len(s.Points) == 0 {
		return badinput.Errorf("a sweep needs load points (rates or concurrencies)")
	}
	closed := s.Points[0].Mode() == runrecord.ArrivalClosed
	for _, p := range s.Points {
		if (p.Mode() == runrecord.ArrivalClosed) != closed {
			return badinput.Errorf("a sweep's load points are all closed loops or all open loops")
		}
		if err := p.Validate(); err != nil {
			return err
		}
	}
	if s.Dir == "" {
		return badinput.Field("out", nil, "no sweep directory given")
	}
	return nil
}

// Sweep runs every point (with its own collectors) and writes sweep.json.
// It returns *SLOsNotMetError, with the sweep, when no point met the SLOs.
func Sweep(ctx context.Context, s SweepSpec) (*runrecord.Sweep, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	progress := s.Base.Load.Progress
	if progress == nil {
		progress = io.Discard
	}
	res := &runrecord.Sweep{Kind: "rate", SLOs: s.Base.Load.SLOs, MinGoodput: s.MinGoodput, MaxErrors: s.MaxErrors, Best: -1}
	if s.Points[0].Mode() == runrecord.ArrivalClosed {
		res.Kind = "concurrency"
	}
	for i, sc := range s.Points {
		tag := pointTag(sc)
		fmt.Fprintf(progress, "sweep point %d/%d: %s\n", i+1, len(s.Points), tag)
		spec := s.Base
		spec.Load.Schedule = sc
		spec.Load.OutDir = filepath.Join(s.Dir, fmt.Sprintf("%02d-%s", i+1, tag))
		r, err := Run(ctx, spec)
		if r == nil {
			return res, err
		}
		p := judgePoint(r, sc, s.MinGoodput, s.MaxErrors)
		res.Points = append(res.Points, p)
		if p.Meets {
			res.Best = len(res.Points) - 1
		}
		if r.Run.Partial || (!p.Meets && !s.KeepGoing) {
			break
		}
	}
	if err := runrecord.WriteSweep(s.Dir, res); err != nil {
		return res, err
	}
	if res.Best < 0 {
		return res, &SLOsNotMetError{SweepFile: filepath.Join(s.Dir, runrecord.SweepFile)}
	}
	return res, nil
}

// pointTag names a point's directory: "c4" or "rate-2.5".
func pointTag(sc load.Schedule) string {
	var l runrecord.LoadConfig
	load.Describe(sc, &l)
	if sc.Mode() == runrecord.ArrivalClosed {
		return "c" + strconv.Itoa(l.Concurrency)
	}
	return "rate-" + strconv.FormatFloat(l.RatePerS, 'g', -1, 64)
}

// judgePoint reads a point's run against the sweep's criterion.
func judgePoint(r *Result, sc load.Schedule, minGood, maxErr float64) runrecord.SweepPoint {
	run := r.Run
	p := runrecord.SweepPoint{Dir: r.Dir, Partial: run.Partial}
	var l runrecord.LoadConfig
	load.Describe(sc, &l)
	if sc.Mode() == runrecord.ArrivalClosed {
		p.Concurrency = l.Concurrency
	} else {
		p.Rate = l.RatePerS
	}
	s := run.Summary
	if s == nil || s.Requests.Measured == 0 {
		return p
	}
	failed := 0
	for _, n := range s.ErrorsByClass {
		failed += n
	}
	p.ErrorFraction = float64(failed) / float64(s.Requests.Measured)
	p.RequestsPerS, p.OutputTokensPS = s.Throughput.RequestsPerS, s.Throughput.OutputTokensPerS
	if g := s.Goodput; g != nil {
		p.GoodputFraction, p.GoodputPerS = g.Fraction, g.RequestsPerS
	}
	p.TTFTSchedP99MS = s.LatencyMS[runrecord.MetricTTFTSched].P99
	p.TPOTP99MS = s.LatencyMS[runrecord.MetricTPOT].P99
	p.Meets = !run.Partial && p.GoodputFraction >= minGood && p.ErrorFraction <= maxErr
	return p
}
