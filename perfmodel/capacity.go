package perfmodel

import (
	"fmt"
	"math"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Point is one simulated load point of one replica.
type Point struct {
	Load    Load               `json:"load"`
	Summary *runrecord.Summary `json:"-"`
	// TasksPerS and OutputTokensPerS are the replica's throughput.
	TasksPerS        float64 `json:"tasks_per_s"`
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	// GoodputFraction is the share of requests (and tasks, for a task
	// latency SLO) meeting every SLO; Meets compares it with the minimum.
	GoodputFraction float64 `json:"goodput_fraction"`
	Meets           bool    `json:"meets_slos"`
	// Latencies in ms from the scheduled time, as a run reports them.
	TTFTP50, TTFTP99, TPOTP50, TPOTP99, E2EP99, TaskP50, TaskP99 float64
	KVBound                                                      bool `json:"kv_bound"`
	// Requests are the measured requests' token counts (API tiers price them).
	Requests []tco.RequestTokens `json:"-"`
}

// Search says how capacity is searched.
type Search struct {
	SLOs []runrecord.SLO
	// MinGoodput is the share of requests that must meet every SLO (0: 0.95, as tcobench sweep).
	MinGoodput float64
	// Tasks simulated per point.
	Tasks int
}

func (s Search) minGoodput() float64 {
	if s.MinGoodput > 0 {
		return s.MinGoodput
	}
	return 0.95
}

// point simulates one load and judges it.
func point(r *Replica, e Engine, w *Workload, l Load, s Search) (Point, error) {
	res, err := Simulate(r, e, w, l, SimOptions{Tasks: s.Tasks, SLOs: s.SLOs})
	if err != nil {
		return Point{}, err
	}
	sm := res.Summary
	p := Point{Load: l, Summary: sm, TasksPerS: sm.Throughput.TasksPerS, OutputTokensPerS: sm.Throughput.OutputTokensPerS, KVBound: res.KVBound}
	d := sm.LatencyMS
	p.TTFTP50, p.TTFTP99 = d[runrecord.MetricTTFTSched].P50, d[runrecord.MetricTTFTSched].P99
	p.TPOTP50, p.TPOTP99 = d[runrecord.MetricTPOT].P50, d[runrecord.MetricTPOT].P99
	p.E2EP99 = d[runrecord.MetricE2ESched].P99
	p.TaskP50, p.TaskP99 = d[runrecord.MetricTaskLatencySched].P50, d[runrecord.MetricTaskLatencySched].P99
	p.GoodputFraction, p.Meets = 1, true
	if g := sm.Goodput; g != nil {
		p.GoodputFraction = g.Fraction
		if sm.Tasks.Succeeded > 0 && hasTaskSLO(s.SLOs) {
			p.GoodputFraction = math.Min(p.GoodputFraction, g.TasksPerS*sm.WindowS/float64(sm.Tasks.Succeeded))
		}
		p.Meets = p.GoodputFraction >= s.minGoodput()
	}
	if res.Dropped > 0 {
		p.Meets = false
	}
	for _, a := range res.Attempts {
		if a.OK && a.Phase == runrecord.PhaseMeasure {
			t := a.Tokens
			p.Requests = append(p.Requests, tco.RequestTokens{Input: int64(t.Input), CachedInput: int64(t.CachedInput), Output: int64(t.Output)})
		}
	}
	return p, nil
}

func hasTaskSLO(slos []runrecord.SLO) bool {
	for _, s := range slos {
		if s.Metric == runrecord.MetricTaskLatency || s.Metric == runrecord.MetricTaskLatencySched {
			return true
		}
	}
	return false
}

// Capacity is a replica's highest throughput meeting the SLOs, and the
// latency–throughput curve found on the way.
type Capacity struct {
	// Best is the highest load meeting the SLOs (with no SLOs: saturation).
	Best Point
	// Saturation is the throughput with the batch always full.
	Saturation Point
	Curve      []Point
	// Reason is set when no load met the SLOs.
	Reason string
}

// FindCapacity searches the load of shape (its process; rate or users
// scaled) for the highest throughput meeting the SLOs.
func FindCapacity(r *Replica, e Engine, w *Workload, shape Load, s Search) (*Capacity, error) {
	sat, err := point(r, e, w, Load{Mode: runrecord.ArrivalClosed, Users: 2 * e.MaxSeqs, Seed: shape.Seed, ThinkNS: shape.ThinkNS}, Search{Tasks: max(s.Tasks, 4*e.MaxSeqs)})
	if err != nil {
		return nil, err
	}
	c := &Capacity{Saturation: sat}
	if sat.TasksPerS <= 0 {
		return nil, fmt.Errorf("simulation of %s completed no task", w.Name)
	}
	if shape.Mode == runrecord.ArrivalClosed {
		return c, c.searchUsers(r, e, w, shape, s)
	}
	return c, c.searchRate(r, e, w, shape, s)
}

// searchRate bisects the open-loop rate between 0 and the saturation throughput.
func (c *Capacity) searchRate(r *Replica, e Engine, w *Workload, shape Load, s Search) error {
	if shape.Mode == "" || shape.Mode == runrecord.ArrivalTrace {
		shape.Mode = runrecord.ArrivalPoisson
	}
	at := func(rate float64) (Point, error) {
		l := shape
		l.RatePerS = rate
		p, err := point(r, e, w, l, s)
		if err == nil {
			c.Curve = append(c.Curve, p)
		}
		return p, err
	}
	sat := c.Saturation.TasksPerS
	for _, f := range []float64{0.1, 0.3, 0.5, 0.7, 0.85, 1.0} {
		if _, err := at(f * sat); err != nil {
			return err
		}
	}
	lo, hi := 0.0, 1.05*sat
	for _, p := range c.Curve {
		if p.Meets && p.Load.RatePerS > lo {
			lo, c.Best = p.Load.RatePerS, p
		}
		if !p.Meets && p.Load.RatePerS < hi {
			hi = p.Load.RatePerS
		}
	}
	if lo == 0 {
		low, err := at(0.02 * sat)
		if err != nil {
			return err
		}
		if !low.Meets {
			c.Reason = noneMeets(low, s)
			return nil
		}
		lo, c.Best = low.Load.RatePerS, low
	}
	for i := 0; i < 6 && hi-lo > 0.02*sat; i++ {
		mid := (lo + hi) / 2
		p, err := at(mid)
		if err != nil {
			return err
		}
		if p.Meets {
			lo, c.Best = mid, p
		} else {
			hi = mid
		}
	}
	sortCurve(c.Curve)
	return nil
}

// searchUsers bisects the closed-loop user count.
func (c *Capacity) searchUsers(r *Replica, e Engine, w *Workload, shape Load, s Search) error {
	at := func(u int) (Point, error) {
		l := shape
		l.Users = u
		p, err := point(r, e, w, l, s)
		if err == nil {
			c.Curve = append(c.Curve, p)
		}
		return p, err
	}
	lo, hi := 0, 2*e.MaxSeqs
	first, err := at(1)
	if err != nil {
		return err
	}
	if !first.Meets {
		c.Reason = noneMeets(first, s)
		return nil
	}
	lo, c.Best = 1, first
	for _, u := range []int{e.MaxSeqs / 8, e.MaxSeqs / 2, e.MaxSeqs, 2 * e.MaxSeqs} {
		if u <= lo || u > hi {
			continue
		}
		p, err := at(u)
		if err != nil {
			return err
		}
		if !p.Meets {
			hi = u
			break
		}
		lo, c.Best = u, p
	}
	for hi-lo > max(1, lo/16) {
		mid := (lo + hi) / 2
		p, err := at(mid)
		if err != nil {
			return err
		}
		if p.Meets {
			lo, c.Best = mid, p
		} else {
			hi = mid
		}
	}
	sortCurve(c.Curve)
	return nil
}

func noneMeets(p Point, s Search) string {
	return fmt.Sprintf("even at the lowest load only %.0f %% of requests meet the SLOs (want %.0f %%): TTFT p99 %.0f ms, TPOT p99 %.1f ms, E2E p99 %.0f ms (projected)",
		100*p.GoodputFraction, 100*s.minGoodput(), p.TTFTP99, p.TPOTP99, p.E2EP99)
}

func sortCurve(ps []Point) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].TasksPerS < ps[j-1].TasksPerS; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}
