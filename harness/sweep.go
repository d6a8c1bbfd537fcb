package harness

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// SweepSpec is a sweep: the same run at several load points, one run
// directory per point inside Dir, to find the highest load still meeting
// the SLOs; and, with GPU settings, the same at each power limit or clock
// lock, to find the setting with the lowest cost per task.
type SweepSpec struct {
	// Base is the run; each point replaces its schedule and directory.
	Base Spec
	// Points are the schedules to try, in order: all closed loops (a
	// concurrency sweep) or all open loops (a rate sweep). With GPU
	// settings and no points, each setting runs the base schedule.
	Points []load.Schedule
	// GPU, when set, sets GPU power limits and clock locks between points:
	// every point runs at every setting, the settings in order.
	GPU *GPUSweep
	// Dir is the sweep directory; it gets sweep.json.
	Dir string
	// A point passes when at least MinGoodput of its measured requests met
	// every SLO at once and at most MaxErrors of them failed.
	MinGoodput, MaxErrors float64
	// KeepGoing runs every point even after one fails; else the load points
	// of a setting stop at the first failing one.
	KeepGoing bool
}

// GPUSweep is the GPU settings of a sweep.
type GPUSweep struct {
	Settings []nvml.Setting
	// Control sets them; nil: NVML on the GPUs that GPUs selects (as the
	// nvml collector's gpus setting does). It must restore the GPUs on every
	// way out, cancellation included (nvml.Control does).
	Control GPUController
	GPUs    string
}

// GPUController applies GPU settings in order around a callback per
// setting, restoring the GPUs after (nvml.Control; tests cut it).
type GPUController interface {
	Sweep(ctx context.Context, settings []nvml.Setting, point func(context.Context, nvml.Point) error) error
	Close() error
}

// Validate checks the sweep before anything runs.
func (s SweepSpec) Validate() error {
	if len(s.Base.Load.SLOs) == 0 {
		return badinput.Field("slo", nil, "a sweep needs SLOs (what \"meeting the SLOs\" means)")
	}
	if len(s.Points) == 0 && (s.GPU == nil || len(s.GPU.Settings) == 0) {
		return badinput.Errorf("a sweep needs load points (rates or concurrencies) or GPU settings (power limits or clocks)")
	}
	for _, p := range s.Points {
		if (p.Mode() == runrecord.ArrivalClosed) != (s.Points[0].Mode() == runrecord.ArrivalClosed) {
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
// A GPU controller that cannot change the GPUs (no permission) stops the
// sweep before any load, with its error.
func Sweep(ctx context.Context, s SweepSpec) (*runrecord.Sweep, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	sw := &sweeper{spec: s, progress: s.Base.Load.Progress, res: &runrecord.Sweep{Kind: "rate", SLOs: s.Base.Load.SLOs,
		MinGoodput: s.MinGoodput, MaxErrors: s.MaxErrors, Best: -1}}
	if sw.progress == nil {
		sw.progress = io.Discard
	}
	sw.total = max(1, len(s.Points))
	if s.GPU != nil {
		sw.total *= len(s.GPU.Settings)
	}
	if mode := s.Base.Load.Schedule; len(s.Points) > 0 && s.Points[0].Mode() == runrecord.ArrivalClosed ||
		len(s.Points) == 0 && (mode == nil || mode.Mode() == runrecord.ArrivalClosed) {
		sw.res.Kind = "concurrency"
	}
	var err error
	if s.GPU != nil {
		err = sw.gpuSweep(ctx)
	} else {
		err = sw.loadPoints(ctx, "", nil)
	}
	if len(sw.res.Points) > 0 { // an interrupted sweep keeps what it measured
		if werr := runrecord.WriteSweep(s.Dir, sw.res); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return sw.res, err
	}
	if sw.res.Best < 0 {
		return sw.res, &SLOsNotMetError{SweepFile: filepath.Join(s.Dir, runrecord.SweepFile)}
	}
	return sw.res, nil
}

type sweeper struct {
	spec     SweepSpec
	progress io.Writer
	res      *runrecord.Sweep
	n, total int
}

// gpuSweep runs the load points at every GPU setting.
func (sw *sweeper) gpuSweep(ctx context.Context) error {
	g := sw.spec.GPU
	ctl := g.Control
	if ctl == nil {
		c, err := nvml.NewControl(nvml.ControlOptions{GPUs: g.GPUs})
		if err != nil {
			return err
		}
		ctl = c
	}
	defer ctl.Close()
	sw.res.Cheapest = -1
	return ctl.Sweep(ctx, g.Settings, func(ctx context.Context, p nvml.Point) error {
		return sw.loadPoints(ctx, p.Setting.String(), p.GPUs)
	})
}

// loadPoints runs the load points (or the base schedule) at one GPU
// setting (none: "").
func (sw *sweeper) loadPoints(ctx context.Context, setting string, gpus []runrecord.GPUControl) error {
	points := sw.spec.Points
	if len(points) == 0 {
		points = []load.Schedule{sw.spec.Base.Load.Schedule}
	}
	for _, sc := range points {
		sw.n++
		tag := pointTag(sc, setting)
		fmt.Fprintf(sw.progress, "sweep point %d/%d: %s\n", sw.n, sw.total, tag)
		spec := sw.spec.Base
		spec.Load.Schedule = sc
		spec.Load.OutDir = filepath.Join(sw.spec.Dir, fmt.Sprintf("%02d-%s", sw.n, tag))
		if gpus != nil {
			spec.Load.Hooks = append(append([]load.Hooks(nil), spec.Load.Hooks...), load.Hooks{
				Finish: func(_ context.Context, _ string, run *runrecord.Run) error { run.GPUControl = gpus; return nil }})
		}
		r, err := Run(ctx, spec)
		if r == nil {
			return err
		}
		p := judgePoint(r, sc, sw.spec.MinGoodput, sw.spec.MaxErrors)
		p.GPUSetting, p.GPUs = setting, gpus
		sw.add(p)
		if r.Run.Partial || (!p.Meets && !sw.spec.KeepGoing) {
			break
		}
	}
	return ctx.Err()
}

// add records a point and updates the best and the cheapest.
func (sw *sweeper) add(p runrecord.SweepPoint) {
	res := sw.res
	res.Points = append(res.Points, p)
	i := len(res.Points) - 1
	if !p.Meets {
		return
	}
	if res.Best < 0 || load2(res.Points[res.Best]) <= load2(p) {
		res.Best = i
	}
	if sw.spec.GPU != nil && (res.Cheapest < 0 || perTask(p) < perTask(res.Points[res.Cheapest])) {
		res.Cheapest = i
	}
}

// load2 orders points by load: rate, else users.
func load2(p runrecord.SweepPoint) float64 { return p.Rate + float64(p.Concurrency) }

// perTask is what a GPU setting is chosen by: cost per task when priced,
// else energy per task.
func perTask(p runrecord.SweepPoint) float64 {
	if p.CostPerTaskUSD > 0 {
		return p.CostPerTaskUSD
	}
	return p.EnergyPerTaskJ
}

// pointTag names a point's directory: "c4", "rate-2.5", "300W-c4".
func pointTag(sc load.Schedule, setting string) string {
	var l runrecord.LoadConfig
	load.Describe(sc, &l)
	tag := "rate-" + strconv.FormatFloat(l.RatePerS, 'g', -1, 64)
	if sc.Mode() == runrecord.ArrivalClosed {
		tag = "c" + strconv.Itoa(l.Concurrency)
	}
	if setting != "" {
		tag = strings.NewReplacer(" ", "", ",", "-").Replace(setting) + "-" + tag
	}
	return tag
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
	p.ErrorFraction = s.ErrorFraction()
	p.RequestsPerS, p.OutputTokensPS = s.Throughput.RequestsPerS, s.Throughput.OutputTokensPerS
	if g := s.Goodput; g != nil {
		p.GoodputFraction, p.GoodputPerS = g.Fraction, g.RequestsPerS
	}
	p.TTFTSchedP99MS = s.LatencyMS[runrecord.MetricTTFTSched].P99
	p.TPOTP99MS = s.LatencyMS[runrecord.MetricTPOT].P99
	p.Meets = !run.Partial && s.MeetsSLOs(minGood, maxErr)
	if e := run.Energy; e != nil && e.Measured {
		if e.AvgGPUPowerW > 0 {
			p.OutputTokensPerW = p.OutputTokensPS / e.AvgGPUPowerW
		}
		p.EnergyPerTaskJ, p.Throttled = e.Fleet.JPerTask, e.Throttled
	}
	if c := run.Cost; c != nil {
		p.CostPerTaskUSD = c.OnPrem.Fleet.USDPerTask.Value
	}
	return p
}
