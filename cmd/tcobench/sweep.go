package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
)

const sweepLong = `Run the same workload at several load points, one run directory per point,
and find the highest load still meeting the SLOs: a point passes when at
least --min-goodput of its measured requests met every --slo at once (judged
from the scheduled time) and at most --max-errors of them failed.

Give either --rates (open loop, tasks per second) or --concurrencies (closed
loop users). Points run in the order given; the sweep stops after the first
failing point unless --keep-going. It writes DIR/sweep.json (DIR is --out)
and prints a table; tcobench report DIR draws throughput against latency.
With --search, the two values given are a range searched by bisection until
the highest load meeting the SLOs is known within --tolerance (capacity.json).
tcobench cost DIR prices the best point: the node's capacity at the SLOs.

EXIT STATUS
  0  at least one load point met the SLOs
  1  no load point met them, or a run failed
  2  bad usage (no --slo, both or neither of --rates and --concurrencies)`

// sweepOptions are `tcobench sweep`'s flags.
type sweepOptions struct {
	harness.RunSettings
	Rates, Concurrencies  string
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
		Long:  sweepLong,
		Example: `  tcobench sweep --model llama3 --rates 0.5,1,2,4 --duration 2m --slo ttft=1s,tpot=100ms
  tcobench sweep --model llama3 --concurrencies 1,2,4,8 --requests 50 --slo e2e=20s --out runs/sweep
  tcobench sweep --model llama3 --rates 0.5,16 --search --tolerance 0.1 --duration 1m --slo ttft=1s --out runs/cap`,
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
	f.BoolVar(&o.Search, "search", false, "capacity search: --rates or --concurrencies give LOW,HIGH, bisected until within --tolerance")
	f.Float64Var(&o.Tolerance, "tolerance", 0.1, "capacity search: stop when the bracket is within this fraction of its low end")
	return cmd
}

func (a *app) sweep(ctx context.Context, o sweepOptions) error {
	if len(o.SLOs) == 0 {
		return usageErrorf("sweep needs --slo (what \"meeting the SLOs\" means)")
	}
	points, err := harness.ParseLoadPoints(o.Rates, o.Concurrencies)
	if err != nil {
		return err
	}
	dir := o.Out
	if dir == "" {
		dir = filepath.Join("runs", "sweep-"+time.Now().UTC().Format("20060102T150405Z"))
	}
	base := o.RunSettings
	base.Out, base.Load = filepath.Join(dir, "point"), points[0].Load(o.Load)
	spec, err := base.Spec()
	if err != nil {
		return err
	}
	ss := harness.SweepSpec{Base: spec, Dir: dir, MinGoodput: o.MinGoodput, MaxErrors: o.MaxErrors, KeepGoing: o.KeepGoing}
	for _, p := range points {
		sc, err := p.Load(o.Load).Schedule(spec.Load.Plan.Arrival)
		if err != nil {
			return err
		}
		ss.Points = append(ss.Points, sc)
	}
	a.prepare(&ss.Base, o.Quiet)
	defer load.RaiseGC()()
	if o.Search {
		return a.capacity(ctx, o, ss, points)
	}
	res, err := harness.Sweep(ctx, ss)
	if res != nil {
		harness.WriteSweep(a.out, dir, res)
	}
	return err
}

// capacity is sweep --search: bisection between two load points.
func (a *app) capacity(ctx context.Context, o sweepOptions, ss harness.SweepSpec, pts []harness.LoadPoint) error {
	cs, err := harness.SearchBetween(ss, pts, o.Load, o.Tolerance)
	if err != nil {
		return err
	}
	res, err := harness.Capacity(ctx, cs)
	if res != nil {
		harness.WriteCapacity(a.out, ss.Dir, res)
	}
	return err
}
