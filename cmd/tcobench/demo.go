package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tcobench/tcobench/doctor"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// demoSLOs are SLOs a two-core CPU serving the generated model meets on
// the demo's workload when nothing else loads the machine.
var demoSLOs = []string{"ttft=30s", "e2e=90s"}

// newDemoCmd is what `make demo` runs: a real local model server, checked
// by doctor, then a real benchmark, its price and its report. It prints one
// line per stage and the answer; the details go to the log.
func newDemoCmd(a *app) *cobra.Command {
	var size, out, logPath string
	cmd := &cobra.Command{
		Use:    "demo",
		Short:  "Start a local Ollama with a generated model, benchmark it, price it, write the report (used by make demo)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if logPath == "" {
				logPath = filepath.Join(out, "demo.log")
			}
			if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			return a.demo(cmd.Context(), size, out, &stager{out: a.out, log: f, path: logPath})
		},
	}
	cmd.Flags().StringVar(&size, "size", "small", "generated model size: tiny or small")
	cmd.Flags().StringVar(&out, "out", "demo-out", "directory for the demo's run record and report")
	cmd.Flags().StringVar(&logPath, "log", "", "file the details are appended to (default OUT/demo.log)")
	return cmd
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

func (a *app) demo(ctx context.Context, size, out string, st *stager) error {
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
	fmt.Fprintln(a.out, "  (the model's weights are generated: its answers are noise, so answer quality is not comparable with any API; speed, tokens and cost are real)")
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
	res, err := a.demoBenchmark(ctx, srv, filepath.Join(out, "run-"+time.Now().UTC().Format("20060102T150405Z")), st)
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
		fmt.Fprintf(a.out, "\n%s\n", c.Headline)
	}
	abs, _ := filepath.Abs(html)
	fmt.Fprintf(a.out, "\nreport: %s\nfull cost table: tcobench cost %s · run record and log: %s, %s\n", abs, res.Dir, res.Dir, st.path)
	return srv.Stop()
}

// demoBenchmark runs a real multi-step workload (an agent resolving a
// support ticket) against srv through the library, priced with the
// CPU-server profile against the API catalog.
func (a *app) demoBenchmark(ctx context.Context, srv *localserver.Server, dir string, st *stager) (*harness.Result, error) {
	s := harness.Defaults()
	s.Workload, s.Target, s.Model, s.Out = "tier1-support-ticket", srv.URL(), srv.Model(), dir
	s.Load.Concurrency, s.Requests, s.SLOs = 2, 2, demoSLOs
	s.Pricing.Hardware, s.Pricing.Site = "cpu-server", "office"
	fmt.Fprintf(st.log, "tcobench run --workload %s --target %s --model %s --concurrency 2 --requests 2 --slo %s --hardware cpu-server --site office --out %s\n",
		s.Workload, s.Target, s.Model, strings.Join(demoSLOs, ","), dir)
	spec, err := s.Spec()
	if err != nil {
		return nil, err
	}
	a.prepare(&spec, false)
	spec.Log = st.log
	tty := false
	if f, ok := a.errOut.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	if !tty { // plain progress lines go to the log; a terminal gets the live line
		spec.Load.Progress, spec.Load.ProgressEvery = st.log, 10*time.Second
	}
	var res *harness.Result
	err = st.do("benchmark: 2 support-agent tasks, 2 users", func() (string, error) {
		if tty {
			fmt.Fprintln(a.errOut)
		}
		var err error
		res, err = harness.Run(ctx, spec)
		if res != nil {
			printSummary(st.log, res.Run, res.Dir)
		}
		if err != nil {
			return "", err
		}
		return demoRunLine(res.Run), nil
	})
	if err == nil && res.Cost() != nil {
		if werr := tco.WriteTable(st.log, res.Cost()); werr != nil {
			return res, werr
		}
	}
	return res, err
}

// demoRunLine says in one line what the benchmark measured.
func demoRunLine(run *runrecord.Run) string {
	s := run.Summary
	line := fmt.Sprintf("%d of %d tasks done, %d requests, %d failed", s.Tasks.Succeeded, s.Tasks.Started, s.Requests.Sent, s.Requests.Failed)
	if d, ok := s.LatencyMS[runrecord.MetricTTFT]; ok {
		line += fmt.Sprintf("; TTFT p50 %.1f s", d.P50/1000)
	}
	if g := s.Goodput; g != nil {
		line += fmt.Sprintf("; %.0f%% of requests met %s", 100*g.Fraction, strings.Join(demoSLOs, ","))
	}
	return line + " (measured)"
}
