package portfolio

import (
	"fmt"
	"os"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
	"github.com/tcobench/tcobench/workloads"
)

// Pricer prices a local run now, at its capacity (basis; nil: at its
// offered load), as tcobench cost would, projection included.
type Pricer func(runDir string, run *runrecord.Run, basis *runrecord.ThroughputBasis) (*runrecord.Cost, error)

// Pricing says how options are priced.
type Pricing struct {
	// Price prices a local run; nil: a run that must be priced now is refused.
	Price Pricer
	// Always prices every local run now (the profiles were stated), not
	// only those never priced or not priced at capacity.
	Always bool
	// Catalog prices the runs against hosted APIs.
	Catalog *tco.Catalog
}

// FromPath reads the option a path stands for: a run directory (or a
// sweep or capacity search directory: its best point, at capacity), or an
// imported trace (its recorded bill and outcomes). A killed run is
// recovered first, and a local run takes its latest cost (cost.json)
// unless pricing says to price it now.
func FromPath(path string, pricing Pricing, minGoodput float64) (Option, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Option{}, badinput.Errorf("portfolio: %s: %v", path, err)
	}
	if !st.IsDir() {
		return fromTrace(path)
	}
	runDir, basis, err := tco.CapacityRun(path)
	if err != nil {
		return Option{}, err
	}
	run, err := metrics.LoadRun(runDir)
	if err != nil {
		return Option{}, badinput.Wrap(err)
	}
	if run.Summary == nil {
		return Option{}, badinput.Errorf("%s: the run has no summary", runDir)
	}
	if err := runrecord.LatestCost(runDir, run); err != nil {
		return Option{}, badinput.Wrap(err)
	}
	o := Option{Workflow: run.Workload.Name, Source: runDir}
	passRate(&o, run.Summary)
	sloJudge(&o, run, minGoodput)
	if run.Config.Extra.APIKeyEnv != "" {
		err = apiCost(&o, run, runDir, pricing.Catalog)
	} else {
		err = localCost(&o, run, runDir, basis, pricing)
	}
	if err != nil {
		return Option{}, err
	}
	o.instances, err = instances(runDir)
	return o, err
}

// passRate takes the run's outcomes.
func passRate(o *Option, s *runrecord.Summary) {
	out := s.Outcomes
	if out == nil {
		out = &runrecord.Outcomes{Basis: runrecord.OutcomeNoError, Tasks: s.Tasks.Completed, Passed: s.Tasks.Succeeded}
	}
	o.Tasks, o.Passed, o.PassBasis = out.Tasks, out.Passed, out.Basis
	src := fmt.Sprintf("%d of %d tasks passed the workload's checks (measured)", out.Passed, out.Tasks)
	if out.Basis == runrecord.OutcomeNoError {
		src = fmt.Sprintf("%d of %d tasks had no failed step: success not checked (the workload has no checks)", out.Passed, out.Tasks)
	}
	o.PassRate = runrecord.Figure{Provenance: runrecord.Measured, Source: src}
	if out.Tasks > 0 {
		o.PassRate.Value = float64(out.Passed) / float64(out.Tasks)
	}
}

// sloJudge judges the run as a sweep point is judged.
func sloJudge(o *Option, run *runrecord.Run, minGoodput float64) {
	s := run.Summary
	switch {
	case len(run.Config.SLOs) == 0:
		o.MeetsSLOs, o.SLOs = true, "no SLOs were judged in the run"
	case s.Goodput == nil:
		o.SLOs = "no goodput measured"
	default:
		o.MeetsSLOs = s.Goodput.Fraction >= minGoodput && !run.Partial
		o.SLOs = fmt.Sprintf("%.1f %% of requests met %s (need %.0f %%)", 100*s.Goodput.Fraction, sloText(run.Config.SLOs), 100*minGoodput)
	}
}

// localCost is the on-prem fleet cost per task: as the run was last
// priced, or priced now.
func localCost(o *Option, run *runrecord.Run, dir string, basis *runrecord.ThroughputBasis, pricing Pricing) error {
	c := run.Cost
	if pricing.Always || c == nil || basis != nil && (c.Throughput == nil || c.Throughput.Basis != runrecord.BasisCapacity) {
		if pricing.Price == nil {
			return badinput.Errorf("%s: the run is not priced: give --hardware and --site, or run tcobench cost on it first", dir)
		}
		var err error
		if c, err = pricing.Price(dir, run, basis); err != nil {
			return badinput.Errorf("%s: %w", dir, err)
		}
	}
	o.Kind, o.Name = KindLocal, run.Config.Model+" on "+c.Hardware.Name
	o.USDPerTask = c.OnPrem.Fleet.USDPerTask
	if c.Throughput != nil {
		o.Throughput = c.Throughput.Label
		if !c.Throughput.Saturated {
			o.Throughput += " (not saturated: an upper bound)"
		}
	}
	return nil
}

// apiCost is a run against a hosted API: its measured tokens at the
// model's price in cat.
func apiCost(o *Option, run *runrecord.Run, dir string, cat *tco.Catalog) error {
	if cat == nil {
		return badinput.Errorf("%s: the run is against a hosted API and no price catalog was given", dir)
	}
	m, err := cat.Lookup(run.Config.Model)
	if err != nil {
		return badinput.Errorf("%s: API model %v", dir, err)
	}
	if o.Tasks == 0 {
		return badinput.Errorf("%s: no task completed", dir)
	}
	bill := tco.PriceRequests(m, tco.MeasuredTokens(dir))
	o.Kind, o.Name = KindAPI, "api "+m.Key()
	o.USDPerTask = runrecord.Figure{Value: bill.TotalUSD() / float64(run.Summary.Tasks.Completed), Provenance: runrecord.Weakest(runrecord.Measured, runrecord.Configured),
		Source: fmt.Sprintf("the run's measured tokens (%s's own usage) × %s prices (checked %s) / completed tasks", m.Key(), cat.Name, m.Checked)}
	return nil
}

// instances reads the task outcomes per instance from requests.jsonl.
func instances(dir string) (map[string][2]int, error) {
	out := map[string][2]int{}
	err := runrecord.ReadAttempts(dir, func(a *runrecord.Attempt) error {
		if a.Task != nil && a.Phase == runrecord.PhaseMeasure && a.Task.Instance != "" {
			n := out[a.Task.Instance]
			n[0]++
			if a.Task.Pass {
				n[1]++
			}
			out[a.Task.Instance] = n
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, badinput.Errorf("%s: %v", dir, err)
	}
	return out, nil
}

// fromTrace is an imported trace's own option: its model, its recorded
// bill per task and its recorded outcomes.
func fromTrace(path string) (Option, error) {
	tr, _, err := workloads.Import(path, workloads.ImportOptions{})
	if err != nil {
		return Option{}, badinput.Wrap(err)
	}
	p := workloads.TracePlan(tr, path, workloads.ResolveOptions{})
	o := Option{Workflow: p.Name, Kind: KindRecorded, Source: path, PassBasis: "recorded", instances: map[string][2]int{},
		MeetsSLOs: true, SLOs: "recorded: not judged against the SLOs"}
	var cost float64
	model := ""
	for i := 0; i < p.Len; i++ {
		in, _ := p.Instance(i)
		if !in.HasRecordedCost || in.RecordedSuccess == nil {
			return Option{}, badinput.Errorf("%s: task %s lacks a recorded cost or success: the trace cannot stand as an option", path, in.ID)
		}
		model = in.RecordedModel
		cost += in.RecordedCostUSD
		o.Tasks++
		n := o.instances[in.Key]
		n[0]++
		if *in.RecordedSuccess {
			o.Passed++
			n[1]++
		}
		o.instances[in.Key] = n
	}
	if o.Tasks == 0 {
		return Option{}, badinput.Errorf("%s: no tasks", path)
	}
	o.Name = model + " (recorded)"
	o.USDPerTask = runrecord.Figure{Value: cost / float64(o.Tasks), Provenance: runrecord.Measured, Source: "the source's recorded bill / its tasks"}
	o.PassRate = runrecord.Figure{Value: float64(o.Passed) / float64(o.Tasks), Provenance: runrecord.Measured,
		Source: fmt.Sprintf("%d of %d tasks succeeded by the source's own judgement", o.Passed, o.Tasks)}
	return o, nil
}

func sloText(slos []runrecord.SLO) string {
	s := ""
	for i, x := range slos {
		if i > 0 {
			s += ","
		}
		s += x.String()
	}
	return s
}
