package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/compare"
	"github.com/tcobench/tcobench/livemetrics"
	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// GateSpec is the regression gate: a candidate run (or suite) against a
// baseline run (or suite), or against the last good run in the store.
type GateSpec struct {
	// Baseline is a run or suite directory, or "last-good" (the latest run
	// of the same series in the store that passed the gate).
	Baseline, Candidate string
	Config              compare.Config
	// Store is the results store's DSN (for last-good and Save).
	Store string
	// Save stores the candidate runs with their verdict.
	Save bool
	// Push, when set, pushes each candidate's summary and verdict to this Pushgateway.
	Push string
	// Text receives each comparison as text as it is made; Log notes such
	// as what was saved (nil: none).
	Text, Log io.Writer
}

// GateResult is the gate's verdict.
type GateResult struct {
	Results  []*compare.Result
	Unusable []compare.Unusable
	// Markdown is every comparison (and acceptance of a first baseline) in Markdown.
	Markdown []byte `json:"-"`
}

// RegressionError lists the figures that regressed ("run: figure").
type RegressionError struct{ Regressed []string }

func (e *RegressionError) Error() string { return "regression: " + strings.Join(e.Regressed, ", ") }

// pair is one comparison to make.
type pair struct {
	name, base, cand string
	// accepted is set when no baseline exists yet (first run of a series).
	accepted string
}

// Gate compares the candidate with the baseline, figure by figure, saves
// and pushes the verdicts when asked, and returns a *RegressionError when a
// figure regressed, a bad-input error when the inputs cannot be compared.
func Gate(ctx context.Context, g GateSpec) (*GateResult, error) {
	text := g.Text
	if text == nil {
		text = io.Discard
	}
	for _, d := range [][2]string{{"baseline", g.Baseline}, {"candidate", g.Candidate}} {
		if d[1] == "last-good" && d[0] == "baseline" {
			continue
		}
		if _, err := os.Stat(d[1]); errors.Is(err, os.ErrNotExist) {
			return nil, badinput.Errorf("%s %s: no such run or suite directory", d[0], d[1])
		}
	}
	cands, err := runDirsOf(g.Candidate)
	if err != nil {
		return nil, badinput.Errorf("candidate: %v", err)
	}
	var st *store.Store
	if g.Baseline == "last-good" || g.Save {
		if st, err = store.Open(ctx, g.Store); err != nil {
			return nil, badinput.Wrap(err)
		}
		defer st.Close()
	}
	pairs, err := pairUp(ctx, st, g.Baseline, g.Candidate, cands)
	if err != nil {
		return nil, badinput.Wrap(err)
	}
	res := &GateResult{}
	var md bytes.Buffer
	for _, p := range pairs {
		if p.accepted != "" {
			fmt.Fprintf(text, "%s: %s\n", p.name, p.accepted)
			fmt.Fprintf(&md, "- %s: %s\n\n", p.name, p.accepted)
			continue
		}
		r, err := compare.Dirs(p.base, p.cand, g.Config)
		if err != nil {
			res.Unusable = append(res.Unusable, compare.Unusable{Name: p.name, Reason: err.Error()})
			fmt.Fprintf(text, "%s: %v\n", p.name, err)
			fmt.Fprintf(&md, "- %s: %v\n\n", p.name, err)
			continue
		}
		res.Results = append(res.Results, r)
		_ = r.Text(text)
		_ = r.Markdown(&md)
		md.WriteString("\n")
	}
	res.Markdown = md.Bytes()
	if err := g.saveAndPush(ctx, st, pairs, res); err != nil {
		return res, err
	}
	return res, res.verdict()
}

// runDirsOf lists the runs of a run or suite directory.
func runDirsOf(dir string) ([]string, error) {
	if rundata.IsRunDir(dir) {
		return []string{dir}, nil
	}
	ds, err := rundata.RunDirs(dir)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%s holds no run (no %s in it or below it)", dir, runrecord.RunFile)
	}
	return ds, nil
}

func pairUp(ctx context.Context, st *store.Store, baseArg, candArg string, cands []string) ([]pair, error) {
	if baseArg == "last-good" {
		return pairLastGood(ctx, st, cands)
	}
	if rundata.IsRunDir(candArg) {
		if !rundata.IsRunDir(baseArg) {
			return nil, fmt.Errorf("baseline %s is not a run directory (no %s) but the candidate is", baseArg, runrecord.RunFile)
		}
		return []pair{{name: filepath.Base(candArg), base: baseArg, cand: candArg}}, nil
	}
	var out []pair
	for _, c := range cands {
		b := filepath.Join(baseArg, filepath.Base(c))
		if !rundata.IsRunDir(b) {
			return nil, fmt.Errorf("baseline suite %s has no run %s to compare with", baseArg, filepath.Base(c))
		}
		out = append(out, pair{name: filepath.Base(c), base: b, cand: c})
	}
	return out, nil
}

func pairLastGood(ctx context.Context, st *store.Store, cands []string) ([]pair, error) {
	var out []pair
	for _, c := range cands {
		run, err := metrics.LoadRun(c)
		if err != nil {
			return nil, err
		}
		p := pair{name: filepath.Base(c), cand: c}
		row, err := st.LastGood(ctx, store.Filter{Series: store.SeriesKey(run)})
		switch {
		case errors.Is(err, store.ErrNotFound):
			p.accepted = "no run of this workload, target, model and load has passed before: accepted as the first baseline"
		case err != nil:
			return nil, err
		case !rundata.IsRunDir(row.Dir):
			return nil, fmt.Errorf("%s: the last good run %s was stored from %s, which is gone", p.name, row.ID, row.Dir)
		default:
			p.base = row.Dir
		}
		out = append(out, p)
	}
	return out, nil
}

// saveAndPush stores the candidates with their verdicts and pushes them.
func (g GateSpec) saveAndPush(ctx context.Context, st *store.Store, pairs []pair, res *GateResult) error {
	if !(g.Save && st != nil) && g.Push == "" {
		return nil
	}
	verdict := map[string]*compare.Result{}
	for _, r := range res.Results {
		verdict[r.CandidateDir] = r
	}
	unusable := map[string]bool{}
	for _, u := range res.Unusable {
		unusable[u.Name] = true
	}
	for _, p := range pairs {
		run, err := metrics.LoadRun(p.cand)
		if err != nil {
			return err
		}
		r := verdict[p.cand]
		passed := p.accepted != "" || r != nil && r.ExitCode() == 0
		if g.Save && st != nil {
			if err := st.SaveRun(ctx, p.cand, run); err != nil {
				return err
			}
			if !unusable[p.name] {
				if err := st.SetPassed(ctx, run.ID, passed); err != nil {
					return err
				}
			}
			if g.Log != nil {
				fmt.Fprintf(g.Log, "saved %s in %s (passed: %v)\n", run.ID, st.Where, passed && !unusable[p.name])
			}
		}
		if g.Push != "" {
			if err := livemetrics.Push(ctx, g.Push, livemetrics.DefaultJob, run, gateRegistry(run, r, unusable[p.name])); err != nil {
				return err
			}
		}
	}
	return nil
}

// gateRegistry holds the gate's verdict on a run as gauges.
func gateRegistry(run *runrecord.Run, r *compare.Result, unusable bool) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	labels := prometheus.Labels{"run_id": run.ID}
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tcobench_gate_regressed", Help: "1 when the regression gate failed the run, 0 when it passed, -1 when the inputs could not be compared."}, []string{"run_id"})
	reg.MustRegister(g)
	v := 0.0
	switch {
	case unusable:
		v = -1
	case r != nil && r.ExitCode() != 0:
		v = 1
	}
	g.With(labels).Set(v)
	if r == nil {
		return reg
	}
	ch := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tcobench_gate_change_ratio", Help: "Relative change of a figure against the baseline (0.1 = 10 % higher)."}, []string{"run_id", "figure"})
	reg.MustRegister(ch)
	for _, row := range r.Rows {
		if row.Baseline != 0 {
			ch.WithLabelValues(run.ID, row.Name).Set(row.ChangePct / 100)
		}
	}
	return reg
}

// verdict is a regression (it wins over unusable inputs in a suite), else
// the unusable inputs as bad input, else nil.
func (res *GateResult) verdict() error {
	var regressed []string
	for _, r := range res.Results {
		for _, n := range r.Regressions {
			regressed = append(regressed, filepath.Base(r.CandidateDir)+": "+n)
		}
	}
	if len(regressed) > 0 {
		return &RegressionError{Regressed: regressed}
	}
	if len(res.Unusable) > 0 {
		var rs []string
		for _, u := range res.Unusable {
			rs = append(rs, u.Name+": "+strings.TrimPrefix(u.Reason, "cannot compare: "))
		}
		return badinput.Errorf("cannot compare: %s", strings.Join(rs, "; "))
	}
	return nil
}
