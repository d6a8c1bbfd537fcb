package harness

import (
	"fmt"
	"io"

	"github.com/tcobench/tcobench/runrecord"
)

// WriteSweep prints a sweep's (or a capacity search's) points for people,
// and the highest load meeting the SLOs.
func WriteSweep(w io.Writer, dir string, res *runrecord.Sweep) {
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

// WriteCapacity prints a capacity search: its probes and where it stopped.
func WriteCapacity(w io.Writer, dir string, c *runrecord.Capacity) {
	WriteSweep(w, dir, &c.Sweep)
	switch {
	case c.Best < 0:
	case c.BracketLow >= c.High:
		fmt.Fprintf(w, "the upper bound %g met the SLOs: the capacity is at least that; raise the upper bound to find it\n", c.High)
	case c.Converged:
		fmt.Fprintf(w, "capacity at the SLOs: between %g and %g (within %.0f %%); price it with tcobench cost %s\n", c.BracketLow, c.BracketHigh, 100*c.Tolerance, dir)
	default:
		fmt.Fprintf(w, "the search did not converge (the bracket %g–%g is wider than %.0f %%): raise the upper bound or the probe limit\n", c.BracketLow, c.BracketHigh, 100*c.Tolerance)
	}
}
