// Package demo is what make demo runs: a local Ollama with a generated
// model, checked by doctor, a real benchmark of a multi-step workload
// through the library, priced against the API catalog, and its reports.
// It prints one line per stage and the answer; the details go to a log.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/tcobench/tcobench/doctor"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// SLOs are SLOs a two-core CPU serving the generated model meets on the
// demo's workload when nothing else loads the machine.
var SLOs = []string{"ttft=30s", "e2e=90s"}

// Options configure the demo.
type Options struct {
	// Size is the generated model's size ("tiny", "small"); Out the
	// directory of the run record and report.
	Size, Out string
	// Stdout receives the stage lines and the answer; Log the details
	// (LogPath names it in the stage lines).
	Stdout, Log io.Writer
	LogPath     string
	// Progress receives the run's live progress line (a terminal); nil:
	// plain progress lines go to the log.
	Progress io.Writer
	// Version and Commit are recorded in the run.
	Version, Commit string
}

// stager prints one line per stage with the time it took, and sends the
// stage's details to the log.
type stager struct {
	out, log io.Writer
	path     string
}

// do runs one stage: its name, then what it did and how long it took.
func (s *stager) do(name string, f func() (string, error)) error {
	fmt.Fprintf(s.out, "%-46s ", name)
	fmt.Fprintf(s.log, "\n== %s\n", name)
	start := time.Now()
	done, err := f()
	took := fmt.Sprintf("%.1f s", time.Since(start).Seconds())
	if d := time.Since(start); d >= time.Minute {
		took = d.Round(time.Second).String()
	}
	if err != nil {
		fmt.Fprintf(s.out, "FAILED after %s (details: %s)\n", took, s.path)
		return err
	}
	fmt.Fprintf(s.out, "%s (%s)\n", done, took)
	return nil
}

// Run runs the demo: starts the local Ollama with the generated model,
// checks it with doctor, runs the benchmark, prices it and writes its
// reports, printing one line per stage and the answer to o.Stdout.
func Run(ctx context.Context, o Options) error {
	st := &stager{out: o.Stdout, log: o.Log, path: o.LogPath}
	size, out := o.Size, o.Out
	var srv *localserver.Server
	err := st.do(fmt.Sprintf("local Ollama %s, generated %q model", localserver.OllamaVersion, size), func() (string, error) {
		startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		var err error
		if srv, err = localserver.Start(startCtx, localserver.Options{Size: size}); err != nil {
			return "", err
		}
		return "serving " + srv.Model() + " at " + srv.URL(), nil
	})
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Fprintln(o.Stdout, "  (the model's weights are generated: its answers are noise, so answer quality is not comparable with any API; speed, tokens and cost are real)")
	err = st.do("tcobench doctor: the server and this host", func() (string, error) {
		rep := doctor.Run(ctx, doctor.Options{Target: srv.URL()})
		if err := doctor.WriteText(st.log, rep); err != nil {
			return "", err
		}
		if !rep.Target.Answers {
			return "", fmt.Errorf("demo: the local server does not answer: %s", rep.Target.Error)
		}
		if rep.GPU.Available {
			return "the server answers; NVIDIA GPU energy will be measured", nil
		}
		return "the server answers; no NVIDIA GPU here, so energy comes from the profile's power model", nil
	})
	if err != nil {
		return err
	}
	res, err := benchmark(ctx, o, srv, filepath.Join(out, "run-"+time.Now().UTC().Format("20060102T150405Z")), st)
	if err != nil {
		return err
	}
	var html string
	if err := st.do("report", func() (string, error) {
		var err error
		if html, err = harness.WriteReports(res.Dir); err != nil {
			return "", errors.Join(errors.New("demo: write the report"), err)
		}
		return "HTML and Markdown written", nil
	}); err != nil {
		return err
	}
	if c := res.Cost(); c != nil {
		fmt.Fprintf(o.Stdout, "\n%s\n", c.Headline)
	}
	abs, _ := filepath.Abs(html)
	fmt.Fprintf(o.Stdout, "\nreport: %s\nfull cost table: tcobench cost %s · run record and log: %s, %s\n", abs, res.Dir, res.Dir, st.path)
	return srv.Stop()
}

// benchmark runs a real multi-step workload (an agent resolving a
// support ticket) against srv through the library, priced with the
// CPU-server profile against the API catalog.
func benchmark(ctx context.Context, o Options, srv *localserver.Server, dir string, st *stager) (*harness.Result, error) {
	s := harness.Defaults()
	s.Workload, s.Target, s.Model, s.Out = "tier1-support-ticket", srv.URL(), srv.Model(), dir
	s.Load.Concurrency, s.Requests, s.SLOs = 2, 2, SLOs
	// Priced as measured: the performance model's CPU factors are assumed,
	// so a projection from this host to the profile's would be a guess.
	s.Pricing.Hardware, s.Pricing.Site, s.Pricing.AsMeasured = "cpu-server", "office", true
	fmt.Fprintf(st.log, "tcobench run --workload %s --target %s --model %s --concurrency 2 --requests 2 --slo %s --hardware cpu-server --site office --as-measured --out %s\n",
		s.Workload, s.Target, s.Model, strings.Join(SLOs, ","), dir)
	spec, err := s.Spec()
	if err != nil {
		return nil, err
	}
	spec.Load.Version, spec.Load.Commit = o.Version, o.Commit
	spec.Log = st.log
	spec.Load.Progress = o.Progress
	if o.Progress == nil { // plain progress lines go to the log
		spec.Load.Progress, spec.Load.ProgressEvery = st.log, 10*time.Second
	}
	var res *harness.Result
	err = st.do("benchmark: 2 support-agent tasks, 2 users", func() (string, error) {
		if o.Progress != nil {
			fmt.Fprintln(o.Progress)
		}
		var err error
		res, err = harness.Run(ctx, spec)
		if res != nil {
			report.WriteSummary(st.log, res.Run, res.Dir)
		}
		if err != nil {
			return "", err
		}
		return runLine(res.Run), nil
	})
	if err == nil && res.Cost() != nil {
		if werr := tco.WriteTable(st.log, res.Cost()); werr != nil {
			return res, werr
		}
	}
	return res, err
}

// runLine says in one line what the benchmark measured.
func runLine(run *runrecord.Run) string {
	s := run.Summary
	line := fmt.Sprintf("%d of %d tasks done, %d requests, %d failed", s.Tasks.Succeeded, s.Tasks.Started, s.Requests.Sent, s.Requests.Failed)
	if d, ok := s.LatencyMS[runrecord.MetricTTFT]; ok {
		line += fmt.Sprintf("; TTFT p50 %.1f s", d.P50/1000)
	}
	if g := s.Goodput; g != nil {
		line += fmt.Sprintf("; %.0f%% of requests met %s", 100*g.Fraction, strings.Join(SLOs, ","))
	}
	return line + " (measured)"
}
