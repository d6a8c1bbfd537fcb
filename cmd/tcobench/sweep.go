package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/runrecord"
)

const sweepLong = `Run the same workload at several load points, one run directory per point,
and find the highest load still meeting the SLOs: a point passes when at
least --min-goodput of its measured requests met every --slo at once (judged
from the scheduled time) and at most --max-errors of them failed.

Give either --rates (open loop, tasks per second) or --concurrencies (closed
loop users). Points run in the order given; the sweep stops after the first
failing point unless --keep-going. It writes DIR/sweep.json (DIR is --out)
and prints a table; tcobench report DIR draws throughput against latency.

EXIT STATUS
  0  at least one load point met the SLOs
  1  no load point met them, or a run failed
  2  bad usage (no --slo, both or neither of --rates and --concurrencies)`

// sweepPoint is one load point's outcome, a row of sweep.json.
type sweepPoint struct {
	Rate        float64 `json:"rate_per_s,omitempty"`
	Concurrency int     `json:"concurrency,omitempty"`
	Dir         string  `json:"dir"`
	Partial     bool    `json:"partial,omitempty"`
	// GoodputFraction is the share of measured requests meeting every SLO.
	GoodputFraction float64 `json:"goodput_fraction"`
	ErrorFraction   float64 `json:"error_fraction"`
	RequestsPerS    float64 `json:"requests_per_s"`
	GoodputPerS     float64 `json:"goodput_requests_per_s"`
	OutputTokensPS  float64 `json:"output_tokens_per_s"`
	TTFTSchedP99MS  float64 `json:"ttft_sched_p99_ms"`
	TPOTP99MS       float64 `json:"tpot_p99_ms"`
	Meets           bool    `json:"meets_slos"`
}

// sweepResult is sweep.json.
type sweepResult struct {
	Kind       string          `json:"kind"` // "rate" or "concurrency"
	SLOs       []runrecord.SLO `json:"slos"`
	MinGoodput float64         `json:"min_goodput"`
	MaxErrors  float64         `json:"max_errors"`
	Points     []sweepPoint    `json:"points"`
	// Best is the index in Points of the highest load meeting the SLOs, -1 for none.
	Best int `json:"best"`
}

func newSweepCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep --rates 1,2,4 | --concurrencies 1,2,4  --slo ttft=500ms,... [run flags]",
		Short: "Run a workload at several load points and find the highest meeting the SLOs",
		Long:  sweepLong,
		Example: `  tcobench sweep --model llama3 --rates 0.5,1,2,4 --duration 2m --slo ttft=1s,tpot=100ms
  tcobench sweep --model llama3 --concurrencies 1,2,4,8 --requests 50 --slo e2e=20s --out runs/sweep`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.sweep(cmd.Context())
		},
	}
	addRunFlags(cmd)
	addCollectorFlags(cmd)
	f := cmd.Flags()
	f.Lookup("out").Usage = "sweep directory to write, one run directory per point inside it (default runs/sweep-<UTC time>)"
	f.String("rates", "", "open-loop arrival rates to try, tasks per second, comma-separated")
	f.String("concurrencies", "", "closed-loop user counts to try, comma-separated")
	f.Float64("min-goodput", 0.95, "share of measured requests that must meet every SLO for a point to pass")
	f.Float64("max-errors", 0.01, "largest share of failed measured requests for a point to pass")
	f.Bool("keep-going", false, "run every point even after one fails")
	return cmd
}

func (a *app) sweep(ctx context.Context) error {
	base, err := a.runOptions()
	if err != nil {
		return err
	}
	if len(base.SLOs) == 0 {
		return usageErrorf("sweep needs --slo (what \"meeting the SLOs\" means)")
	}
	rates, concs, err := sweepPoints(a.v.GetString("rates"), a.v.GetString("concurrencies"))
	if err != nil {
		return err
	}
	dir := base.Out
	if dir == "" {
		dir = filepath.Join("runs", "sweep-"+time.Now().UTC().Format("20060102T150405Z"))
	}
	res := sweepResult{Kind: "rate", SLOs: base.SLOs, MinGoodput: a.v.GetFloat64("min-goodput"),
		MaxErrors: a.v.GetFloat64("max-errors"), Best: -1}
	if concs != nil {
		res.Kind = "concurrency"
	}
	n := max(len(rates), len(concs))
	for i := 0; i < n; i++ {
		o := base
		var tag string
		if concs != nil {
			o.Concurrency, o.Rate, tag = concs[i], 0, fmt.Sprintf("c%d", concs[i])
			if o.Arrival == "" {
				o.Arrival = "closed"
			}
		} else {
			o.Rate, tag = rates[i], "rate-"+strconv.FormatFloat(rates[i], 'g', -1, 64)
		}
		o.Out = filepath.Join(dir, fmt.Sprintf("%02d-%s", i+1, tag))
		if !o.Quiet {
			fmt.Fprintf(a.errOut, "sweep point %d/%d: %s\n", i+1, n, tag)
		}
		run, err := a.sweepRun(ctx, o)
		if err != nil {
			return err
		}
		p := judgePoint(run, o, res.MinGoodput, res.MaxErrors)
		res.Points = append(res.Points, p)
		if p.Meets {
			res.Best = len(res.Points) - 1
		}
		if run.Partial || (!p.Meets && !a.v.GetBool("keep-going")) {
			break
		}
	}
	if err := writeSweep(dir, &res); err != nil {
		return err
	}
	printSweep(a, dir, &res)
	if res.Best < 0 {
		return withExit(1, fmt.Errorf("no load point met the SLOs (%s)", filepath.Join(dir, "sweep.json")))
	}
	return nil
}

// sweepRun runs one point with its own collectors.
func (a *app) sweepRun(ctx context.Context, o runOptions) (*runrecord.Run, error) {
	cfg, err := o.benchConfig()
	if err != nil {
		return nil, err
	}
	hooks, cleanup, err := a.runHooks(ctx, o.Target)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	run, _, err := a.startRun(ctx, cfg, o.Quiet, hooks)
	return run, err
}

func sweepPoints(rates, concs string) ([]float64, []int, error) {
	if (rates == "") == (concs == "") {
		return nil, nil, usageErrorf("give exactly one of --rates or --concurrencies")
	}
	var rs []float64
	var cs []int
	for _, s := range strings.Split(rates+concs, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if concs != "" {
			c, err := strconv.Atoi(s)
			if err != nil || c <= 0 {
				return nil, nil, usageErrorf("--concurrencies: %q is not a positive whole number", s)
			}
			cs = append(cs, c)
			continue
		}
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			return nil, nil, usageErrorf("--rates: %q is not a positive number of tasks per second", s)
		}
		rs = append(rs, r)
	}
	return rs, cs, nil
}

// judgePoint reads a point's run against the sweep's criterion.
func judgePoint(run *runrecord.Run, o runOptions, minGood, maxErr float64) sweepPoint {
	p := sweepPoint{Dir: o.Out, Partial: run.Partial}
	if o.Rate > 0 {
		p.Rate = o.Rate
	} else {
		p.Concurrency = o.Concurrency
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

func writeSweep(dir string, res *sweepResult) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sweep.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}

func printSweep(a *app, dir string, res *sweepResult) {
	w := a.out
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
