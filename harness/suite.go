package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/suite"
)

// LoadSuite reads and validates a suite file: its load points, SLOs and
// backends by the validators a run uses, and its `flags:` as run settings.
func LoadSuite(path string) (*suite.Suite, error) {
	return suite.LoadFile(path, suite.Checks{Flag: checkSetting})
}

// checkSetting checks one run setting given by name.
func checkSetting(name, value string) error {
	s := Defaults()
	return s.Apply(map[string]string{name: value})
}

// SuiteSpec is a suite run.
type SuiteSpec struct {
	Suite *suite.Suite
	// Dir is the suite directory: one run directory per run, suite.json and
	// the combined report.
	Dir string
	// Base are the settings each run starts from before the suite file's
	// own (saving and the store, say); nil: Defaults().
	Base *RunSettings
	// Prepare, when set, adjusts each run's spec before it runs (progress
	// output, the harness's version in the record).
	Prepare func(*Spec)
	// Run, when set, runs each run of the suite in place of Run (a fleet
	// runs each as a shard); name is the run's name in the suite.
	Run func(ctx context.Context, name string, spec Spec) (*Result, error)
	Log io.Writer
}

// SuiteResult is what a suite run produced.
type SuiteResult struct {
	Manifest *runrecord.SuiteManifest
	// Report is the combined HTML report's path ("" when it could not be written).
	Report string
}

// RunSuite runs every run of the suite, in order, each through Run into
// its own directory, recording suite.json after each; then it writes the
// combined report (report.html and report.md). A failed run does not stop
// the suite: the error (*SuiteError) lists the failures. Every run's spec
// is built and checked before the first one starts.
func RunSuite(ctx context.Context, ss SuiteSpec) (*SuiteResult, error) {
	log := ss.Log
	if log == nil {
		log = io.Discard
	}
	base := Defaults()
	if ss.Base != nil {
		base = *ss.Base
	}
	specs := ss.Suite.Expand()
	runs := make([]Spec, len(specs))
	for i, sp := range specs {
		st, err := SuiteRunSettings(base, sp)
		if err == nil {
			st.Out = filepath.Join(ss.Dir, sp.Name)
			runs[i], err = st.Spec()
		}
		if err != nil {
			return nil, badinput.Wrap(fmt.Errorf("%s: run %s: %w", ss.Suite.Path(), sp.Name, err))
		}
		runs[i].Log = log
		if ss.Prepare != nil {
			ss.Prepare(&runs[i])
		}
	}
	if err := os.MkdirAll(ss.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("suite directory: %w", err)
	}
	fmt.Fprintf(log, "suite %s: %d runs into %s\n", ss.Suite.Name, len(specs), ss.Dir)
	m, runErr := runAll(ctx, ss, specs, runs, log)
	res := &SuiteResult{Manifest: m}
	html, repErr := WriteReports(ss.Dir)
	if repErr == nil {
		res.Report = html
	}
	if runErr != nil {
		return res, runErr
	}
	return res, repErr
}

func runAll(ctx context.Context, ss SuiteSpec, specs []runrecord.SuiteRunSpec, runs []Spec, log io.Writer) (*runrecord.SuiteManifest, error) {
	m := &runrecord.SuiteManifest{Suite: &ss.Suite.SuiteFile, Started: time.Now().UTC()}
	var errs []error
	for i, sp := range specs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("suite interrupted before run %s: %w", sp.Name, err))
			break
		}
		fmt.Fprintf(log, "[%d/%d] %s\n", i+1, len(specs), sp.Name)
		o := runrecord.SuiteOutcome{Spec: sp, Dir: sp.Name, Started: time.Now().UTC()}
		run := func(ctx context.Context, _ string, sp Spec) (*Result, error) { return Run(ctx, sp) }
		if ss.Run != nil {
			run = ss.Run
		}
		_, err := run(ctx, sp.Name, runs[i])
		o.Ended = time.Now().UTC()
		if err != nil {
			o.Error = err.Error()
			errs = append(errs, fmt.Errorf("run %s: %w", sp.Name, err))
		}
		m.Outcomes = append(m.Outcomes, o)
		if werr := runrecord.WriteSuiteManifest(ss.Dir, m); werr != nil {
			return m, werr
		}
	}
	m.Ended = time.Now().UTC()
	if err := runrecord.WriteSuiteManifest(ss.Dir, m); err != nil {
		return m, err
	}
	if len(errs) > 0 {
		return m, &SuiteError{Failed: errs}
	}
	return m, nil
}

// SuiteRunSettings are the settings of one run of a suite: base, then the
// run's resolved suite settings, then its `flags:`.
func SuiteRunSettings(base RunSettings, sp runrecord.SuiteRunSpec) (RunSettings, error) {
	s := base
	s.Workload, s.Target, s.Name = sp.Workload, sp.URL, ""
	ls := suite.LoadSettings(sp.Load)
	ls.TimeScale = s.Load.TimeScale
	s.Load = ls
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&s.Backend, sp.Backend)
	set(&s.Model, sp.Model)
	set(&s.Pricing.Hardware, sp.Hardware)
	set(&s.Pricing.Site, sp.Site)
	set(&s.Pricing.Prices, sp.Prices)
	s.Duration, s.Requests = sp.Duration.D(), sp.Count
	s.Warmup, s.Cooldown, s.Seed = sp.Warmup.D(), sp.Cooldown.D(), sp.Seed
	if sp.RequestTimeout != 0 {
		s.RequestTimeout = sp.RequestTimeout.D()
	}
	s.SLOs = nil
	for _, k := range sortedKeys(sp.SLOs) {
		s.SLOs = append(s.SLOs, k+"="+sp.SLOs[k].String())
	}
	return s, s.Apply(sp.Flags)
}

// WriteReports writes the report of a run, suite or sweep
// directory as report.html and report.md inside it, and returns the HTML
// file's path.
func WriteReports(dir string) (string, error) {
	r, err := report.Load(dir)
	if err != nil {
		return "", err
	}
	for _, f := range []struct{ name, format string }{{"report.html", "html"}, {"report.md", "md"}} {
		fh, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			return "", fmt.Errorf("write report: %w", err)
		}
		werr := r.Write(fh, f.format)
		cerr := fh.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return "", fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return filepath.Join(dir, "report.html"), nil
}

// SuiteDir is out when given, else runs/<suite name>-<UTC start time>.
func SuiteDir(s *suite.Suite, out string) string { return DefaultDir(out, s.Name) }
