package promdcgm

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// PreflightLookback is how much history Preflight reads to find how often
// the energy counter changes.
const PreflightLookback = 10 * time.Minute

// Preflight is what the cluster's series allow, found before the load.
type Preflight struct {
	// Series is how many energy series the selector matches (one per GPU,
	// or per MIG instance), on Nodes (the node label values seen).
	Series int
	Nodes  []string
	// Interval is how often a series' value really changes (the median
	// gap, the slowest series): the exporter's collect interval or
	// Prometheus's scrape interval, whichever is longer. 0: too few changes
	// to tell.
	Interval time.Duration
}

// SettleError says the settle time is too short for the series' interval:
// no fresh reading would follow the run's end.
type SettleError struct {
	Settle, Interval time.Duration
}

func (e *SettleError) Error() string {
	return fmt.Sprintf("prometheus collector: settle %s is not longer than the DCGM energy counter's update interval (%s, seen over the last %s): the run's end would go unmeasured; make it at least %s",
		e.Settle, e.Interval, PreflightLookback, e.Interval+10*time.Second)
}

// Preflight reads the last PreflightLookback of the energy series and
// checks that there are some and that Settle exceeds their update interval.
// Call it before the load: its error is a *SettleError, or says that no
// series matched.
func (c *Collector) Preflight(ctx context.Context) (Preflight, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	q := fmt.Sprintf("%s%s[%ds]", series[0].dcgm, c.Selector(), int(PreflightLookback.Seconds()))
	res, err := c.api.QueryMatrix(ctx, q, time.Now())
	if err != nil {
		return Preflight{}, fmt.Errorf("prometheus collector: %s: %w", c.opts.URL, err)
	}
	var pf Preflight
	for _, s := range res {
		pf.Series++
		if n := s.Metric[c.opts.NodeLabel]; !slices.Contains(pf.Nodes, n) {
			pf.Nodes = append(pf.Nodes, n)
		}
		pf.Interval = max(pf.Interval, updateInterval(fresh(s.Values)))
	}
	slices.Sort(pf.Nodes)
	switch {
	case pf.Series == 0:
		return pf, fmt.Errorf("prometheus collector: %s: no DCGM energy series for %s over the last %s (is dcgm-exporter scraped?)", c.opts.URL, c.Selector(), PreflightLookback)
	case pf.Interval > 0 && c.opts.Settle <= pf.Interval:
		return pf, &SettleError{Settle: c.opts.Settle, Interval: pf.Interval}
	}
	return pf, nil
}

// updateInterval is the median gap between fresh readings (0 with fewer than two gaps).
func updateInterval(ps []Point) time.Duration {
	if len(ps) < 3 {
		return 0
	}
	gaps := make([]time.Duration, 0, len(ps)-1)
	for i := 1; i < len(ps); i++ {
		gaps = append(gaps, ps[i].At.Sub(ps[i-1].At))
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2].Round(time.Second)
}
