package compare

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
)

// Verdicts of a row.
const (
	VerdictRegression  = "regression"
	VerdictImprovement = "improvement"
	VerdictNoChange    = "no change"
	VerdictWithin      = "within threshold"
	VerdictNotSig      = "not significant"
	VerdictReported    = "reported"
	VerdictSkipped     = "skipped"
	VerdictFewSamples  = "too few samples"
)

// Row is the comparison of one figure.
type Row struct {
	Name, Label, Unit   string
	Baseline, Candidate float64
	// Change is candidate − baseline; ChangePct relative to the baseline (NaN when it is 0).
	Change, ChangePct float64
	// HasCI says an interval was computed; CILow/CIHigh bound Change.
	HasCI         bool
	CILow, CIHigh float64
	// Significant is true when the interval excludes zero (or, with no
	// interval, when the figures differ at all).
	Significant bool
	// Gated says a threshold applies; Threshold is its value (percent, or
	// percentage points when ThresholdAbs).
	Gated        bool
	Threshold    float64
	ThresholdAbs bool
	// HigherIsWorse tells the direction of "worse".
	HigherIsWorse bool
	Verdict       string
	Note          string
}

// Result is a whole comparison.
type Result struct {
	BaselineDir, CandidateDir string
	BaselineID, CandidateID   string
	Workload                  string
	Rows                      []Row
	// Notes are differences a reader should know (target, model, server version).
	Notes []string
	// Regressions names the figures that regressed.
	Regressions []string
	Config      Config
}

// UnusableError says the runs cannot be compared; the gate exits 2.
type UnusableError struct{ Reason string }

func (e *UnusableError) Error() string { return "cannot compare: " + e.Reason }

// IsUnusable reports whether err is an *UnusableError.
func IsUnusable(err error) bool {
	var u *UnusableError
	return errors.As(err, &u)
}

// ExitCode is 0 when nothing regressed, 1 when something did.
func (r *Result) ExitCode() int {
	if len(r.Regressions) > 0 {
		return 1
	}
	return 0
}

// MinRequests is the fewest measured successful requests a run needs to be compared.
const MinRequests = 10

type spec struct {
	name          string
	higherIsWorse bool
	abs           bool // threshold in absolute units (percentage points × 100 for a fraction)
}

var specs = []spec{
	{rundata.FigTTFTP50, true, false}, {rundata.FigTTFTP99, true, false},
	{rundata.FigE2EP50, true, false}, {rundata.FigE2EP99, true, false},
	{rundata.FigTPOTP50, true, false}, {rundata.FigTPOTP99, true, false},
	{rundata.FigITLP99, true, false},
	{rundata.FigOutputTokS, false, false}, {rundata.FigRequestsS, false, false},
	{rundata.FigErrorRate, true, true},
	{rundata.FigJPerToken, true, false}, {rundata.FigAvgPowerW, true, false},
	{rundata.FigCostPerTask, true, false}, {rundata.FigCostPerSuccessfulTask, true, false},
	{rundata.FigPassRate, false, true},
}

// Dirs loads two run directories and compares them.
func Dirs(baseDir, candDir string, cfg Config) (*Result, error) {
	// The two runs load side by side: reading requests.jsonl is most of
	// the time a comparison of long runs takes.
	var cand *rundata.Data
	var candErr error
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		cand, candErr = rundata.Load(candDir)
	}()
	base, err := rundata.Load(baseDir)
	<-loaded
	if err != nil {
		return nil, &UnusableError{Reason: "baseline: " + err.Error()}
	}
	if candErr != nil {
		return nil, &UnusableError{Reason: "candidate: " + candErr.Error()}
	}
	return Runs(base, cand, cfg)
}

// Runs compares a candidate run with a baseline. It returns an
// *UnusableError when the two cannot be compared.
func Runs(base, cand *rundata.Data, cfg Config) (*Result, error) {
	if err := usable(base, cand); err != nil {
		return nil, err
	}
	r := &Result{BaselineDir: base.Dir, CandidateDir: cand.Dir, BaselineID: base.Run.ID, CandidateID: cand.Run.ID,
		Workload: workloadName(base.Run), Config: cfg, Notes: notes(base.Run, cand.Run)}
	bf, cf := rundata.FigureMap(base.Figures()), rundata.FigureMap(cand.Figures())
	for i, s := range specs {
		b, bok := bf[s.name]
		c, cok := cf[s.name]
		th, gated := cfg.Thresholds[s.name]
		switch {
		case !bok && !cok:
			continue
		case bok != cok:
			if gated {
				side := "candidate"
				if !bok {
					side = "baseline"
				}
				return nil, &UnusableError{Reason: fmt.Sprintf("%s is missing from the %s run, so its gate cannot be checked", s.name, side)}
			}
			continue
		}
		row := Row{Name: s.name, Label: b.Label, Unit: b.Unit, Baseline: b.Value, Candidate: c.Value,
			Change: c.Value - b.Value, ChangePct: relPct(c.Value-b.Value, b.Value),
			Gated: gated, Threshold: th, ThresholdAbs: s.abs, HigherIsWorse: s.higherIsWorse}
		significance(&row, base, cand, b, cfg, uint64(i+1))
		decide(&row)
		if row.Verdict == VerdictRegression {
			r.Regressions = append(r.Regressions, s.name)
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

func workloadName(r *runrecord.Run) string {
	if r.Config.Workload != "" {
		return r.Config.Workload
	}
	return r.Workload.Name
}

func usable(base, cand *rundata.Data) error {
	bw, cw := workloadName(base.Run), workloadName(cand.Run)
	if bw != cw {
		return &UnusableError{Reason: fmt.Sprintf("different workloads: baseline %q, candidate %q", bw, cw)}
	}
	for _, x := range []struct {
		side string
		d    *rundata.Data
	}{{"baseline", base}, {"candidate", cand}} {
		if n := len(x.d.Values(rundata.SampleE2E)); n < MinRequests {
			return &UnusableError{Reason: fmt.Sprintf("%s run %s has %d successful measured requests (need at least %d)", x.side, x.d.Dir, n, MinRequests)}
		}
	}
	return nil
}

func notes(b, c *runrecord.Run) []string {
	var out []string
	add := func(what, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s differs: baseline %q, candidate %q", what, x, y))
		}
	}
	add("target", b.Config.Target, c.Config.Target)
	add("model", b.Config.Model, c.Config.Model)
	add("server version", b.Environment.Server.Version, c.Environment.Server.Version)
	add("load mode", string(b.Config.Load.Mode), string(c.Config.Load.Mode))
	if bl, cl := b.Config.Load.String(), c.Config.Load.String(); bl != cl {
		out = append(out, fmt.Sprintf("load differs: baseline %s, candidate %s", bl, cl))
	}
	if b.Partial || c.Partial {
		out = append(out, "a run is partial (did not finish as configured)")
	}
	return out
}

func relPct(d, base float64) float64 {
	if base == 0 {
		if d == 0 {
			return 0
		}
		return math.NaN()
	}
	return 100 * d / math.Abs(base)
}

// significance fills the interval of a row from the raw samples.
func significance(row *Row, base, cand *rundata.Data, f runrecord.Figure, cfg Config, salt uint64) {
	switch {
	case f.Quantile > 0:
		bs, cs := base.Sorted(f.Sample), cand.Sorted(f.Sample)
		if need := minSamples(f.Quantile); len(bs) < need || len(cs) < need {
			row.Note = fmt.Sprintf("too few samples to test a p%g (%d and %d; need %d each)", 100*f.Quantile, len(bs), len(cs), need)
			return
		}
		iv := bootstrapQuantileDiff(bs, cs, f.Quantile, cfg, salt)
		row.HasCI, row.CILow, row.CIHigh = true, iv.lo, iv.hi
		row.Significant = iv.lo > 0 || iv.hi < 0
		row.Note = fmt.Sprintf("bootstrap %.0f%% interval, %d resamples", 100*cfg.Confidence, cfg.Resamples)
	case f.Name == rundata.FigOutputTokS || f.Name == rundata.FigRequestsS:
		bb, cb := rateBins(base, f.Name), rateBins(cand, f.Name)
		if len(bb) < 5 || len(cb) < 5 {
			row.Note = "window too short for an interval"
			row.Significant = row.Change != 0
			return
		}
		iv := bootstrapRateChange(bb, cb, row.Baseline, cfg, salt)
		row.HasCI, row.CILow, row.CIHigh = true, iv.lo, iv.hi
		row.Significant = iv.lo > 0 || iv.hi < 0
		row.Note = fmt.Sprintf("bootstrap of the rate's ratio over %d/%d time bins", len(bb), len(cb))
	case f.Name == rundata.FigErrorRate:
		bn, bfail := base.Counts()
		cn, cfail := cand.Counts()
		z := twoProportionZ(bfail, bn, cfail, cn)
		row.Significant = math.Abs(z) > zFor(cfg.Confidence)
		row.Note = fmt.Sprintf("two-proportion z = %.2f", z)
	default:
		row.Significant = row.Change != 0
		row.Note = "one figure per run: no interval; gated on the threshold alone"
	}
}

// TailSamples is how many samples must lie beyond a quantile for its
// interval to mean anything: a p99 needs 500 samples, a p50 10.
const TailSamples = 5

func minSamples(q float64) int {
	t := min(q, 1-q)
	return int(math.Ceil(TailSamples / t))
}

// rateBins splits the measurement window into equal bins (about 20
// requests each, 5 to 30 bins) and returns the rate in each (tokens/s or
// requests/s).
func rateBins(d *rundata.Data, fig string) []float64 {
	w := d.Window()
	if w.EndNS <= w.StartNS {
		return nil
	}
	n := min(30, max(5, len(d.Values(rundata.SampleE2E))/20))
	width := float64(w.EndNS-w.StartNS) / float64(n)
	bins := make([]float64, n)
	for i := range d.Attempts {
		a := &d.Attempts[i]
		if !rundata.Measured(a) || !a.OK || a.EndNS < w.StartNS || a.EndNS > w.EndNS {
			continue
		}
		k := min(int(float64(a.EndNS-w.StartNS)/width), n-1)
		if fig == rundata.FigOutputTokS {
			bins[k] += float64(a.Tokens.Output)
		} else {
			bins[k]++
		}
	}
	for i := range bins {
		bins[i] /= width / 1e9
	}
	return bins
}

// decide sets a row's verdict.
func decide(row *Row) {
	worse := row.Change
	if !row.HigherIsWorse {
		worse = -worse
	}
	switch {
	case row.Change == 0 && (!row.HasCI || row.CILow <= 0 && row.CIHigh >= 0):
		row.Verdict = VerdictNoChange
	case strings.HasPrefix(row.Note, "too few samples"):
		row.Verdict = VerdictFewSamples
	case !row.Significant:
		row.Verdict = VerdictNotSig
	case worse < 0:
		row.Verdict = VerdictImprovement
	case !row.Gated:
		row.Verdict = VerdictReported
	case exceeds(row, worse):
		row.Verdict = VerdictRegression
	default:
		row.Verdict = VerdictWithin
	}
}

func exceeds(row *Row, worse float64) bool {
	if row.ThresholdAbs {
		return worse*100 > row.Threshold // a fraction against percentage points
	}
	if row.Baseline == 0 {
		return worse > 0
	}
	return 100*worse/math.Abs(row.Baseline) > row.Threshold
}
