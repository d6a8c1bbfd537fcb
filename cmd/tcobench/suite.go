package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
	"github.com/tcobench/tcobench/suite"
)

// Suite helpers for `tcobench run --suite FILE`. The run command wires them:
//
//	s, err := loadSuite(path)                  // exit 2 on a bad file
//	dir := suiteDir(s, a.v.GetString("out"))   // --out, else runs/<name>-<UTC time>
//	return a.runSuite(ctx, s, dir, runOne)     // runOne runs one spec into its directory
//
// runOne gets a resolved suite.RunSpec (workload, target URL, backend, model,
// load point, duration, hardware, site, prices, SLOs, extra flags) and the
// run directory to write; spec.Args() gives the same as `tcobench run` flags.

// loadSuite reads and validates a suite file; a bad file is a usage error.
func loadSuite(path string) (*suite.Suite, error) {
	s, err := suite.LoadFile(path)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return s, nil
}

// suiteDir is the suite's output directory: out when given, else
// runs/<suite name>-<UTC start time>.
func suiteDir(s *suite.Suite, out string) string {
	if out != "" {
		return out
	}
	return filepath.Join("runs", s.Name+"-"+time.Now().UTC().Format("20060102T150405Z"))
}

// runSuite executes every run of the suite into dir, then writes the
// combined report (report.html, report.md) and prints where. A failed run
// does not stop the suite; the suite's error (exit 1) lists the failures.
func (a *app) runSuite(ctx context.Context, s *suite.Suite, dir string, runOne suite.RunFunc) error {
	specs := s.Expand()
	fmt.Fprintf(a.errOut, "suite %s: %d runs into %s\n", s.Name, len(specs), dir)
	logged := func(ctx context.Context, sp suite.RunSpec, runDir string) error {
		fmt.Fprintf(a.errOut, "[%d/%d] %s\n", sp.Index+1, len(specs), sp.Name)
		return runOne(ctx, sp, runDir)
	}
	_, runErr := suite.Execute(ctx, s, dir, logged)
	html, repErr := suite.WriteReports(dir)
	if repErr == nil {
		fmt.Fprintf(a.out, "report: %s\n", html)
	}
	if runErr != nil {
		return withExit(1, runErr)
	}
	return repErr
}

// runSuiteFile is `tcobench run --suite FILE`: each run of the suite goes
// through the same path as a plain `tcobench run` with the spec's flags, so
// collectors, pricing and --save behave the same inside a suite.
func (a *app) runSuiteFile(ctx context.Context, path string) error {
	s, err := loadSuite(path)
	if err != nil {
		return err
	}
	dir := suiteDir(s, a.v.GetString("out"))
	passOn := a.suitePassOn()
	runOne := func(ctx context.Context, sp suite.RunSpec, runDir string) error {
		args := append([]string{"run"}, sp.Args()...)
		args = append(args, passOn...)
		args = append(args, "--out", runDir)
		if code := execute(ctx, args, a.out, a.errOut); code != 0 {
			return fmt.Errorf("run %s: exit status %d", sp.Name, code)
		}
		return nil
	}
	return a.runSuite(ctx, s, dir, runOne)
}

// suitePassOn lists the suite command's own flags that every run inherits
// (quiet, saving, the store).
func (a *app) suitePassOn() []string {
	var out []string
	if a.v.GetBool("quiet") {
		out = append(out, "--quiet")
	}
	if a.v.GetBool("save") {
		out = append(out, "--save")
	}
	if dsn := a.v.GetString("store"); dsn != "" {
		out = append(out, "--store", dsn)
	}
	return out
}

// saveRun stores the run in the results store when --save is given.
func (a *app) saveRun(ctx context.Context, dir string, run *runrecord.Run) error {
	if !a.v.GetBool("save") {
		return nil
	}
	st, err := store.Open(ctx, a.v.GetString("store"))
	if err != nil {
		return withExit(1, fmt.Errorf("results store: %w", err))
	}
	defer st.Close()
	if err := st.SaveRun(ctx, dir, run); err != nil {
		return withExit(1, fmt.Errorf("results store: %w", err))
	}
	fmt.Fprintf(a.errOut, "saved run %s in the results store\n", run.ID)
	return nil
}
