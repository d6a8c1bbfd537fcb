package report

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
)

// Report is what every format renders: one or more runs.
type Report struct {
	// Title names the report (the run's or the suite directory's name).
	Title string `json:"title"`
	// Dir is the directory the report was made from.
	Dir string `json:"dir"`
	// Suite is true for a directory of several runs.
	Suite bool        `json:"suite"`
	Runs  []RunReport `json:"runs"`
	// Failed lists the suite's runs that did not finish (from suite.json).
	Failed []FailedRun `json:"failed,omitempty"`
	// Sweeps group the runs by workload and target, ordered by load, for the
	// throughput-against-latency charts.
	Sweeps []Sweep `json:"sweeps,omitempty"`

	data []*rundata.Data
}

// RunReport is one run's part of a report.
type RunReport struct {
	Dir      string    `json:"dir"`
	ID       string    `json:"id"`
	Name     string    `json:"name,omitempty"`
	Workload string    `json:"workload"`
	Target   string    `json:"target"`
	Model    string    `json:"model"`
	Backend  string    `json:"backend"`
	Server   string    `json:"server"`
	Load     string    `json:"load"`
	Started  time.Time `json:"started_at"`
	// DurationS is the run's wall-clock length in seconds.
	DurationS     float64            `json:"duration_s"`
	Partial       bool               `json:"partial"`
	PartialReason string             `json:"partial_reason,omitempty"`
	Figures       []runrecord.Figure `json:"figures"`
	// Config lists the configured inputs, for the provenance table.
	Config []runrecord.Figure `json:"config"`
	// Errors counts failed measured requests by class; ErrorExamples holds a few messages.
	Errors        map[string]int `json:"errors,omitempty"`
	ErrorExamples []string       `json:"error_examples,omitempty"`
	// Tasks lists the task names seen, with counts.
	Tasks      map[string]int              `json:"tasks,omitempty"`
	Energy     *runrecord.Energy           `json:"energy,omitempty"`
	Collectors []runrecord.CollectorHealth `json:"collectors,omitempty"`
	Cost       *CostView                   `json:"cost,omitempty"`
	Warnings   []string                    `json:"warnings,omitempty"`
	// SLOs are the run's SLOs ("ttft=500ms").
	SLOs []string `json:"slos,omitempty"`
	// Fleet is a merged fleet run's shards (nil for other runs).
	Fleet *runrecord.Fleet `json:"fleet,omitempty"`
}

// CostView is the cost part of a run report.
type CostView struct {
	*rundata.Cost `json:"-"`
	// Comparison is the priced comparison as tcobench cost wrote it.
	Comparison *runrecord.Cost `json:"comparison"`
	// BreakEvenUtilisation lists, per API model, the node utilisation at break-even.
	BreakEvenUtilisation []rundata.BreakEven `json:"break_even_utilisation,omitempty"`
	// Hourly is the per-node hourly cost breakdown, with provenance.
	Hourly []runrecord.Figure `json:"-"`
}

// Sweep is a series of runs of one workload on one target at several loads.
type Sweep struct {
	Workload string       `json:"workload"`
	Target   string       `json:"target"`
	Points   []SweepPoint `json:"points"`
}

// SweepPoint is one load point of a sweep: a point of the operating curve.
type SweepPoint struct {
	RunID string `json:"run_id"`
	Load  string `json:"load"`
	// Tag is the load in a few characters, for the chart ("c=4", "2/s").
	Tag        string  `json:"tag"`
	OutputTokS float64 `json:"output_tok_s"`
	RequestsS  float64 `json:"requests_s"`
	TTFTP99MS  float64 `json:"ttft_p99_ms"`
	E2EP99MS   float64 `json:"e2e_p99_ms"`
	// UserTokS is the output tokens per second one user sees: 1000 / TPOT p90 (ms).
	UserTokS  float64 `json:"user_tok_s"`
	TTFTP90MS float64 `json:"ttft_p90_ms"`
	// USDPerMTok is the on-prem cost per million output tokens (when priced);
	// JPerToken the energy per output token (when measured).
	USDPerMTok float64 `json:"usd_per_mtok,omitempty"`
	JPerToken  float64 `json:"j_per_token,omitempty"`
	// HasSLOs says the run had SLOs; Meets that it met them as a sweep
	// judges a point (sweep.json's verdict when there is one).
	HasSLOs bool `json:"has_slos"`
	Meets   bool `json:"meets_slos"`
}

// Best is the index of the highest load of the sweep meeting the SLOs, -1 for none.
func (s Sweep) Best() int {
	best := -1
	for i, p := range s.Points {
		if p.Meets && (best < 0 || p.OutputTokS >= s.Points[best].OutputTokS) {
			best = i
		}
	}
	return best
}

// Load builds the report of a run directory, or of a suite or sweep
// directory holding run directories.
func Load(dir string) (*Report, error) {
	if rundata.IsRunDir(dir) {
		d, err := rundata.Load(dir)
		if err != nil {
			return nil, err
		}
		return FromData(filepath.Base(filepath.Clean(dir)), dir, false, nil, d), nil
	}
	dirs, err := rundata.RunDirs(dir)
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: neither a run directory (no %s) nor a suite directory (no run directories in it)", dir, runrecord.RunFile)
	}
	var ds []*rundata.Data
	for _, d := range dirs {
		x, err := rundata.Load(d)
		if err != nil {
			return nil, err
		}
		ds = append(ds, x)
	}
	verdicts, err := sweepVerdicts(dir)
	if err != nil {
		return nil, err
	}
	r := FromData(filepath.Base(filepath.Clean(dir)), dir, true, verdicts, ds...)
	if r.Failed, err = failedRuns(dir); err != nil {
		return nil, err
	}
	return r, nil
}

// FailedRun is a run of a suite that did not finish.
type FailedRun struct {
	Dir   string `json:"dir"`
	Error string `json:"error"`
}

// failedRuns reads the failures recorded in a suite directory's suite.json;
// none when there is no such file.
func failedRuns(dir string) ([]FailedRun, error) {
	m, err := runrecord.ReadSuiteManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []FailedRun
	for _, r := range m.Outcomes {
		if r.Error != "" {
			out = append(out, FailedRun{Dir: r.Dir, Error: r.Error})
		}
	}
	return out, nil
}

// FromData builds a report from loaded runs; verdicts are a sweep's
// verdict per run directory (by base name), nil for none.
func FromData(title, dir string, suite bool, verdicts map[string]bool, ds ...*rundata.Data) *Report {
	r := &Report{Title: title, Dir: dir, Suite: suite, data: ds}
	for _, d := range ds {
		r.Runs = append(r.Runs, runReport(d))
	}
	r.Sweeps = sweeps(r.Runs, ds, verdicts)
	return r
}

// sweepVerdicts reads a sweep directory's verdict per run directory (by
// base name); nil when it has no sweep.json.
func sweepVerdicts(dir string) (map[string]bool, error) {
	sw, err := runrecord.ReadSweep(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, p := range sw.Points {
		out[filepath.Base(p.Dir)] = p.Meets
	}
	return out, nil
}

func runReport(d *rundata.Data) RunReport {
	run := d.Run
	rr := RunReport{Dir: d.Dir, ID: run.ID, Name: run.Name, Workload: orDefault(run.Config.Workload, run.Workload.Name),
		Target: run.Config.Target, Model: run.Config.Model, Backend: run.Config.Backend,
		Server: serverText(run.Environment.Server), Load: run.Config.Load.String(), Started: run.StartedAt,
		Partial: run.Partial, PartialReason: run.PartialReason, Figures: d.Figures(), Config: configFigures(run),
		Energy: run.Energy, Collectors: run.Collectors, Warnings: run.Warnings, Fleet: run.Fleet}
	for _, slo := range run.Config.SLOs {
		rr.SLOs = append(rr.SLOs, slo.String())
	}
	if !run.EndedAt.IsZero() {
		rr.DurationS = run.EndedAt.Sub(run.StartedAt).Seconds()
	}
	rr.Errors, rr.ErrorExamples, rr.Tasks = errorsAndTasks(d)
	if c := d.Cost; c != nil {
		rr.Cost = &CostView{Cost: c, Comparison: c.C, BreakEvenUtilisation: c.BreakEven, Hourly: hourly(c.C.OnPrem.PerNodeHour)}
	}
	if e := run.Energy; e != nil && e.Warnings != nil {
		rr.Warnings = append(append([]string(nil), rr.Warnings...), e.Warnings...)
	}
	return rr
}

func errorsAndTasks(d *rundata.Data) (map[string]int, []string, map[string]int) {
	errs, tasks := map[string]int{}, map[string]int{}
	var ex []string
	seen, seenTask := map[string]bool{}, map[string]bool{}
	for i := range d.Attempts {
		a := &d.Attempts[i]
		if !rundata.Measured(a) {
			continue
		}
		if a.TaskName != "" && !seenTask[a.TaskID] { // tasks, not their attempts
			seenTask[a.TaskID] = true
			tasks[a.TaskName]++
		}
		if a.OK {
			continue
		}
		errs[orDefault(a.ErrorClass, runrecord.ErrOther)]++
		if msg := a.ErrorClass + ": " + a.Error; len(ex) < 5 && !seen[msg] {
			seen[msg] = true
			ex = append(ex, msg)
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return errs, ex, tasks
}

func configFigures(run *runrecord.Run) []runrecord.Figure {
	c := run.Config
	out := []runrecord.Figure{}
	add := func(label string, v float64, unit string) {
		if v != 0 {
			out = append(out, runrecord.Figure{Label: label, Value: v, Unit: unit, Provenance: runrecord.Configured, Source: "run configuration"})
		}
	}
	add("Concurrency", float64(c.Load.Concurrency), "users")
	if c.Load.Mode != "closed" {
		add("Arrival rate", c.Load.RatePerS, "tasks/s")
	}
	add("Duration", c.Load.Duration.D().Seconds(), "s")
	add("Warm-up", c.Load.Warmup.D().Seconds(), "s")
	add("Request timeout", c.Timeout.D().Seconds(), "s")
	for _, s := range c.SLOs {
		add("SLO "+s.Metric, float64(s.Max.D().Milliseconds()), "ms")
	}
	return out
}

func serverText(s runrecord.ServerInfo) string {
	out := orDefault(s.Kind, "unknown server")
	if s.Version != "" {
		out += " " + s.Version
	}
	return out
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func sweeps(runs []RunReport, ds []*rundata.Data, verdicts map[string]bool) []Sweep {
	idx := map[string]int{}
	var out []Sweep
	for i, rr := range runs {
		k := rr.Workload + "\x00" + rr.Target + "\x00" + rr.Model
		j, ok := idx[k]
		if !ok {
			j = len(out)
			idx[k] = j
			out = append(out, Sweep{Workload: rr.Workload, Target: rr.Target})
		}
		out[j].Points = append(out[j].Points, sweepPoint(rr, ds[i], verdicts))
	}
	for i := range out {
		sort.SliceStable(out[i].Points, func(a, b int) bool { return out[i].Points[a].OutputTokS < out[i].Points[b].OutputTokS })
	}
	return out
}

func hourly(h runrecord.HourlyCost) []runrecord.Figure {
	var out []runrecord.Figure
	for _, x := range []struct {
		label string
		f     runrecord.Figure
	}{{"Capital (" + h.CapexMethod + ")", h.CapexUSDPerHour}, {"Maintenance", h.MaintenanceUSDPerHour}, {"Staff", h.StaffUSDPerHour},
		{"Facility", h.FacilityUSDPerHour}, {"Energy", h.EnergyUSDPerHour}, {"Total", h.TotalUSDPerHour}} {
		if x.f.Provenance == "" && x.f.Value == 0 {
			continue
		}
		out = append(out, runrecord.Figure{Label: x.label, Value: x.f.Value, Unit: "USD/node-hour", Provenance: x.f.Provenance, Source: x.f.Source})
	}
	return out
}

// sweepPoint is a run's point of the operating curve.
func sweepPoint(rr RunReport, d *rundata.Data, verdicts map[string]bool) SweepPoint {
	f := rundata.FigureMap(rr.Figures)
	p := SweepPoint{RunID: rr.ID, Load: rr.Load, Tag: loadTag(d.Run.Config.Load), OutputTokS: f[rundata.FigOutputTokS].Value,
		RequestsS: f[rundata.FigRequestsS].Value, TTFTP99MS: f[rundata.FigTTFTP99].Value, E2EP99MS: f[rundata.FigE2EP99].Value,
		USDPerMTok: f[rundata.FigCostPerMTok].Value, JPerToken: f[rundata.FigJPerToken].Value}
	if s := d.Sorted(rundata.SampleTPOT); len(s) > 0 {
		if tpot := rundata.Quantile(s, 0.9); tpot > 0 {
			p.UserTokS = 1000 / tpot
		}
	}
	if s := d.Sorted(rundata.SampleTTFT); len(s) > 0 {
		p.TTFTP90MS = rundata.Quantile(s, 0.9)
	}
	if sum := d.Run.Summary; sum != nil && len(d.Run.Config.SLOs) > 0 {
		p.HasSLOs = true
		p.Meets = !d.Run.Partial && sum.MeetsSLOs(runrecord.DefaultMinGoodput, runrecord.DefaultMaxErrors)
	}
	if v, ok := verdicts[filepath.Base(d.Dir)]; ok {
		p.HasSLOs, p.Meets = true, v
	}
	return p
}

// loadTag is the load in a few characters: "c=4", "2/s", "trace".
func loadTag(l runrecord.LoadConfig) string {
	switch {
	case l.Mode == runrecord.ArrivalClosed:
		return fmt.Sprintf("c=%d", l.Concurrency)
	case l.Mode == runrecord.ArrivalTrace:
		return "trace"
	}
	return fmt.Sprintf("%g/s", l.RatePerS)
}
