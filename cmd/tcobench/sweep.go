package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// sweepOptions are `tcobench sweep`'s flags.
type sweepOptions struct {
	harness.RunSettings
	Rates, Concurrencies  string
	PowerLimits, Clocks   string
	MinGoodput, MaxErrors float64
	KeepGoing, Quiet      bool
	Search                bool
	Tolerance             float64
}

func newSweepCmd(a *app) *cobra.Command {
	o := sweepOptions{RunSettings: harness.Defaults()}
	cmd := &cobra.Command{
		Use:   "sweep --rates 1,2,4 | --concurrencies 1,2,4  --slo ttft=500ms,... [run flags]",
		Short: "Run a workload at several load points and find the highest meeting the SLOs",
		Long:  helpText("sweep"),
		Example: `  tcobench sweep --model llama3 --rates 0.5,1,2,4 --duration 2m --slo ttft=1s,tpot=100ms
  tcobench sweep --model llama3 --concurrencies 1,2,4,8 --requests 50 --slo e2e=20s --out runs/sweep
  tcobench sweep --model llama3 --rates 0.5,16 --search --duration 1m --slo ttft=1s --out runs/cap`,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.sweep(cmd.Context(), o) },
	}
	f := cmd.Flags()
	o.Bind(f)
	f.Lookup("out").Usage = "sweep directory to write, one run directory per point inside it (default runs/sweep-<UTC time>)"
	f.StringVar(&o.Rates, "rates", "", "open-loop arrival rates to try, tasks per second, comma-separated")
	f.StringVar(&o.Concurrencies, "concurrencies", "", "closed-loop user counts to try, comma-separated")
	f.StringVar(&o.PowerLimits, "power-limits", "", "GPU power limits to sweep, e.g. 300W,450W,600W (set through NVML between points, restored after; needs permission)")
	f.StringVar(&o.Clocks, "clocks", "", "GPU SM clock locks to sweep, MHz, e.g. 1410,1200-1410 (with --power-limits: every pair)")
	f.Float64Var(&o.MinGoodput, "min-goodput", runrecord.DefaultMinGoodput, "share of measured requests that must meet every SLO for a point to pass")
	f.Float64Var(&o.MaxErrors, "max-errors", runrecord.DefaultMaxErrors, "largest share of failed measured requests for a point to pass")
	f.BoolVar(&o.KeepGoing, "keep-going", false, "run every point even after one fails")
	f.BoolVar(&o.Quiet, "quiet", false, "no progress output")
	f.BoolVar(&o.Search, "search", false, "capacity search: --rates or --concurrencies give LOW,HIGH, bisected until within --tolerance")
	f.Float64Var(&o.Tolerance, "tolerance", 0.1, "capacity search: stop when the bracket is within this fraction of its low end")
	return cmd
}

func (a *app) sweep(ctx context.Context, o sweepOptions) error {
	if len(o.SLOs) == 0 {
		return usageErrorf("sweep needs --slo (what \"meeting the SLOs\" means)")
	}
	gpu, err := o.gpuSweep()
	if err != nil {
		return err
	}
	points, err := sweepPoints(o.Rates, o.Concurrencies, gpu != nil)
	if err != nil {
		return err
	}
	dir := harness.DefaultDir(o.Out, "sweep")
	base := o.RunSettings
	base.Out = filepath.Join(dir, "point")
	if len(points) > 0 {
		base.Load = points[0].load(o.Load)
	}
	spec, err := base.Spec()
	if err != nil {
		return err
	}
	ss := harness.SweepSpec{Base: spec, Dir: dir, MinGoodput: o.MinGoodput, MaxErrors: o.MaxErrors, KeepGoing: o.KeepGoing, GPU: gpu}
	for _, p := range points {
		sc, err := p.load(o.Load).Schedule(spec.Load.Plan.Arrival)
		if err != nil {
			return err
		}
		ss.Points = append(ss.Points, sc)
	}
	a.prepare(&ss.Base, o.Quiet)
	defer load.RaiseGC()()
	if o.Search {
		if gpu != nil || o.KeepGoing {
			return usageErrorf("--search: not with --power-limits, --clocks or --keep-going (a capacity search bisects one load)")
		}
		return a.capacity(ctx, o, ss, points)
	}
	res, err := harness.Sweep(ctx, ss)
	if res != nil {
		harness.WriteSweep(a.out, dir, res)
	}
	return err
}

// capacity is sweep --search: bisection between the two load points given.
func (a *app) capacity(ctx context.Context, o sweepOptions, ss harness.SweepSpec, pts []sweepPoint) error {
	if len(pts) != 2 {
		return usageErrorf("--search: give two load points, LOW,HIGH (got %d)", len(pts))
	}
	conc := pts[0].concurrency > 0
	cs, err := harness.SearchBetween(ss, pts[0].rate+float64(pts[0].concurrency), pts[1].rate+float64(pts[1].concurrency), conc, o.Tolerance,
		func(v float64) (load.Schedule, error) {
			p := sweepPoint{rate: v}
			if conc {
				p = sweepPoint{concurrency: int(v)}
			}
			return p.load(o.Load).Schedule(ss.Base.Load.Plan.Arrival)
		})
	if err != nil {
		return err
	}
	res, err := harness.Capacity(ctx, cs)
	if res != nil {
		harness.WriteSweep(a.out, ss.Dir, &res.Sweep)
		harness.WriteCapacityVerdict(a.out, ss.Dir, res)
	}
	return err
}

type sweepPoint struct {
	rate        float64
	concurrency int
}

// load is the run's load at this point: a concurrency point is a closed
// loop of that many users, a rate point the run's open loop at that rate.
func (p sweepPoint) load(ls load.LoadSettings) load.LoadSettings {
	if p.concurrency > 0 {
		ls.Concurrency, ls.Rate = p.concurrency, 0
	} else {
		ls.Rate = p.rate
	}
	return ls
}

// gpuSweep reads --power-limits and --clocks; nil when neither is given.
func (o sweepOptions) gpuSweep() (*harness.GPUSweep, error) {
	if o.PowerLimits == "" && o.Clocks == "" {
		return nil, nil
	}
	var limits []float64
	var clocks []nvml.ClockLock
	var err error
	if o.PowerLimits != "" {
		if limits, err = nvml.ParsePowerLimits(o.PowerLimits); err != nil {
			return nil, usageErrorf("--power-limits: %v", err)
		}
	}
	if o.Clocks != "" {
		if clocks, err = nvml.ParseClockLocks(o.Clocks); err != nil {
			return nil, usageErrorf("--clocks: %v", err)
		}
	}
	return &harness.GPUSweep{Settings: nvml.Settings(limits, clocks), GPUs: o.Telemetry.GPUs}, nil
}

// sweepPoints reads --rates or --concurrencies (at most one; one is
// needed unless GPU settings are swept).
func sweepPoints(rates, concs string, gpu bool) ([]sweepPoint, error) {
	switch {
	case rates != "" && concs != "":
		return nil, usageErrorf("give one of --rates or --concurrencies, not both")
	case rates == "" && concs == "" && gpu:
		return nil, nil
	case rates == "" && concs == "":
		return nil, usageErrorf("give one of --rates or --concurrencies (or --power-limits, --clocks)")
	}
	var out []sweepPoint
	for _, s := range strings.Split(rates+concs, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if concs != "" {
			c, err := strconv.Atoi(s)
			if err != nil || c <= 0 {
				return nil, usageErrorf("--concurrencies: %q is not a positive whole number", s)
			}
			out = append(out, sweepPoint{concurrency: c})
			continue
		}
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			return nil, usageErrorf("--rates: %q is not a positive number of tasks per second", s)
		}
		out = append(out, sweepPoint{rate: r})
	}
	return out, nil
}
