package harness

import (
	"fmt"
	"io"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// WriteCapacityVerdict says where a capacity search stopped, after its
// probes' table.
func WriteCapacityVerdict(w io.Writer, dir string, c *runrecord.Capacity) {
	switch {
	case c.Best < 0:
	case c.BracketLow >= c.High:
		fmt.Fprintf(w, "the upper bound %g met the SLOs: the capacity is at least that; raise the upper bound to find it\n", c.High)
	case c.Converged:
		fmt.Fprintf(w, "capacity at the SLOs: between %g and %g (within %.0f %%); price it with tcobench cost %s\n", c.BracketLow, c.BracketHigh, 100*c.Tolerance, dir)
	default:
		fmt.Fprintf(w, "the search did not converge (the bracket %g–%g is wider than %.0f %%): raise the probe limit\n", c.BracketLow, c.BracketHigh, 100*c.Tolerance)
	}
}

// WriteSweep prints a sweep for a terminal: one line per point, the
// cheapest GPU setting and the highest load meeting the SLOs.
func WriteSweep(w io.Writer, dir string, res *runrecord.Sweep) {
	fmt.Fprintf(w, "sweep %s (%d point(s), pass: ≥%.0f%% of requests meet every SLO, ≤%.1f%% errors)\n",
		dir, len(res.Points), 100*res.MinGoodput, 100*res.MaxErrors)
	fmt.Fprintf(w, "%-22s %10s %12s %10s %14s %12s %6s\n", "load", "req/s", "goodput/s", "good %", "ttft_sched p99", "tpot p99", "pass")
	for _, p := range res.Points {
		fmt.Fprintf(w, "%-22s %10.2f %12.2f %9.1f%% %11.1f ms %9.1f ms %6v%s\n", pointLoad(res, p), p.RequestsPerS, p.GoodputPerS,
			100*p.GoodputFraction, p.TTFTSchedP99MS, p.TPOTP99MS, p.Meets, gpuFigures(p))
	}
	if c := res.Cheapest; c >= 0 && c < len(res.Points) {
		p := res.Points[c]
		fmt.Fprintf(w, "lowest cost per task meeting the SLOs: %s at %s (%s)\n", p.GPUSetting, pointLoad(res, p), p.Dir)
	}
	if res.Best < 0 {
		fmt.Fprintln(w, "no load point met the SLOs")
		return
	}
	b := res.Points[res.Best]
	if b.GPUSetting != "" {
		fmt.Fprintf(w, "highest load meeting the SLOs: %s (%s)\n", pointLoad(res, b), b.Dir)
		return
	}
	if res.Kind == "rate" {
		fmt.Fprintf(w, "highest load meeting the SLOs: %g tasks/s (%s)\n", b.Rate, b.Dir)
	} else {
		fmt.Fprintf(w, "highest load meeting the SLOs: %d users (%s)\n", b.Concurrency, b.Dir)
	}
}

// pointLoad is a point's load (and GPU setting) for the table.
func pointLoad(res *runrecord.Sweep, p runrecord.SweepPoint) string {
	load := fmt.Sprintf("c=%d", p.Concurrency)
	if res.Kind == "rate" {
		load = fmt.Sprintf("%g/s", p.Rate)
	}
	if p.GPUSetting != "" {
		load = p.GPUSetting + " " + load
	}
	return load
}

// gpuFigures are a GPU-setting point's efficiency figures, for the table.
func gpuFigures(p runrecord.SweepPoint) string {
	if p.GPUSetting == "" {
		return ""
	}
	s := fmt.Sprintf("  %.3g tokens/s/W, %.3g J/task", p.OutputTokensPerW, p.EnergyPerTaskJ)
	if p.CostPerTaskUSD > 0 {
		s += ", " + tco.FormatUSD(p.CostPerTaskUSD) + "/task"
	}
	if p.Throttled {
		s += ", THROTTLED"
	}
	return s
}
