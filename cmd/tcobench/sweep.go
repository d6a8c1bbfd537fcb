package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// sweepOptions are `tcobench sweep`'s flags.
type sweepOptions struct {
	harness.RunSettings
	Rates, Concurrencies  string
	MinGoodput, MaxErrors float64
	KeepGoing, Quiet      bool
}

func newSweepCmd(a *app) *cobra.Command {
	o := sweepOptions{RunSettings: harness.Defaults()}
	cmd := &cobra.Command{
		Use:   "sweep --rates 1,2,4 | --concurrencies 1,2,4  --slo ttft=500ms,... [run flags]",
		Short: "Run a workload at several load points and find the highest meeting the SLOs",
		Long:  helpText("sweep"),
		Example: `  tcobench sweep --model llama3 --rates 0.5,1,2,4 --duration 2m --slo ttft=1s,tpot=100ms
  tcobench sweep --model llama3 --concurrencies 1,2,4,8 --requests 50 --slo e2e=20s --out runs/sweep`,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.sweep(cmd.Context(), o) },
	}
	f := cmd.Flags()
	o.Bind(f)
	f.Lookup("out").Usage = "sweep directory to write, one run directory per point inside it (default runs/sweep-<UTC time>)"
	f.StringVar(&o.Rates, "rates", "", "open-loop arrival rates to try, tasks per second, comma-separated")
	f.StringVar(&o.Concurrencies, "concurrencies", "", "closed-loop user counts to try, comma-separated")
	f.Float64Var(&o.MinGoodput, "min-goodput", 0.95, "share of measured requests that must meet every SLO for a point to pass")
	f.Float64Var(&o.MaxErrors, "max-errors", 0.01, "largest share of failed measured requests for a point to pass")
	f.BoolVar(&o.KeepGoing, "keep-going", false, "run every point even after one fails")
	f.BoolVar(&o.Quiet, "quiet", false, "no progress output")
	return cmd
}

func (a *app) sweep(ctx context.Context, o sweepOptions) error {
	if len(o.SLOs) == 0 {
		return usageErrorf("sweep needs --slo (what \"meeting the SLOs\" means)")
	}
	points, err := sweepPoints(o.Rates, o.Concurrencies)
	if err != nil {
		return err
	}
	dir := o.Out
	if dir == "" {
		dir = filepath.Join("runs", "sweep-"+time.Now().UTC().Format("20060102T150405Z"))
	}
	base := o.RunSettings
	base.Out, base.Load = filepath.Join(dir, "point"), points[0].load(o.Load)
	spec, err := base.Spec()
	if err != nil {
		return err
	}
	ss := harness.SweepSpec{Base: spec, Dir: dir, MinGoodput: o.MinGoodput, MaxErrors: o.MaxErrors, KeepGoing: o.KeepGoing}
	for _, p := range points {
		sc, err := p.load(o.Load).Schedule(spec.Load.Plan.Arrival)
		if err != nil {
			return err
		}
		ss.Points = append(ss.Points, sc)
	}
	a.prepare(&ss.Base, o.Quiet)
	defer load.RaiseGC()()
	res, err := harness.Sweep(ctx, ss)
	if res != nil {
		printSweep(a.out, dir, res)
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

// sweepPoints reads --rates or --concurrencies (exactly one).
func sweepPoints(rates, concs string) ([]sweepPoint, error) {
	if (rates == "") == (concs == "") {
		return nil, usageErrorf("give exactly one of --rates or --concurrencies")
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

func printSweep(w io.Writer, dir string, res *runrecord.Sweep) {
	fmt.Fprintf(w, "sweep %s (%d point(s), pass: ≥%.0f%% of requests meet every SLO, ≤%.1f%% errors)\n",
		dir, len(res.Points), 100*res.MinGoodput, 100*res.MaxErrors)
	fmt.Fprintf(w, "%-12s %10s %12s %10s %14s %12s %6s\n", "load", "req/s", "goodput/s", "good %", "ttft_sched p99", "tpot p99", "pass")
	for _, p := range res.Points {
		load := fmt.Sprintf("c=%d", p.Concurrency)
		if res.Kind == "rate" {
			load = fmt.Sprintf("%g/s", p.Rate)
		}
		fmt.Fprintf(w, "%-12s %10.2f %12.2f %9.1f%% %11.1f ms %9.1f ms %6v\n", load, p.RequestsPerS, p.GoodputPerS,
			100*p.GoodputFraction, p.TTFTSchedP99MS, p.TPOTP99MS, p.Meets)
	}
	if res.Best < 0 {
		fmt.Fprintln(w, "no load point met the SLOs")
		return
	}
	b := res.Points[res.Best]
	if res.Kind == "rate" {
		fmt.Fprintf(w, "highest load meeting the SLOs: %g tasks/s (%s)\n", b.Rate, b.Dir)
	} else {
		fmt.Fprintf(w, "highest load meeting the SLOs: %d users (%s)\n", b.Concurrency, b.Dir)
	}
}
