package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/doctor"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/tco"
)

// newDemoCmd is what `make demo` runs: a real local model server, checked
// by doctor, then a real benchmark, its price and its report.
func newDemoCmd(a *app) *cobra.Command {
	var size, out string
	cmd := &cobra.Command{
		Use:    "demo",
		Short:  "Start a local Ollama with a generated model, benchmark it, price it, write the report (used by make demo)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.demo(cmd.Context(), size, out)
		},
	}
	cmd.Flags().StringVar(&size, "size", "small", "generated model size: tiny or small")
	cmd.Flags().StringVar(&out, "out", "demo-out", "directory for the demo's run record and report")
	return cmd
}

func (a *app) demo(ctx context.Context, size, out string) error {
	fmt.Fprintf(a.out, "== starting a local Ollama %s (%s) with the generated %q model\n", localserver.OllamaVersion, localserver.BinaryPath(), size)
	start := time.Now()
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	srv, err := localserver.Start(startCtx, localserver.Options{Size: size})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Fprintf(a.out, "   serving %s at %s (ready in %.1f s, measured)\n\n", srv.Model(), srv.URL(), time.Since(start).Seconds())
	fmt.Fprintf(a.out, "== tcobench doctor --target %s\n", srv.URL())
	rep := doctor.Run(ctx, doctor.Options{Target: srv.URL()})
	if err := doctor.WriteText(a.out, rep); err != nil {
		return err
	}
	if !rep.Target.Answers {
		return fmt.Errorf("demo: the local server does not answer: %s", rep.Target.Error)
	}
	if err := a.demoBenchmark(ctx, srv, filepath.Join(out, "run-"+time.Now().UTC().Format("20060102T150405Z"))); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\n== stopping the local server")
	return srv.Stop()
}

// demoBenchmark runs a real multi-step workload (an agent resolving a
// support ticket) against srv through the library, priced with the
// CPU-server profile against the API catalog, and writes its reports.
func (a *app) demoBenchmark(ctx context.Context, srv *localserver.Server, dir string) error {
	s := harness.Defaults()
	s.Workload, s.Target, s.Model, s.Out = "tier1-support-ticket", srv.URL(), srv.Model(), dir
	s.Load.Concurrency, s.Requests, s.SLOs = 2, 2, []string{"ttft=5s", "e2e=30s"}
	s.Pricing.Hardware, s.Pricing.Site = "cpu-server", "office"
	fmt.Fprintf(a.out, "\n== tcobench run --workload %s --target %s --model %s --concurrency 2 --requests 2 --slo ttft=5s,e2e=30s --hardware cpu-server --site office --out %s\n",
		s.Workload, s.Target, s.Model, dir)
	spec, err := s.Spec()
	if err != nil {
		return err
	}
	res, err := a.runSpec(ctx, spec, false)
	if res == nil {
		return err
	}
	printSummary(a.out, res.Run, res.Dir)
	if err != nil {
		return err
	}
	if c := res.Cost(); c != nil {
		fmt.Fprintf(a.out, "\n== tcobench cost %s --hardware cpu-server --site office\n", dir)
		if err := tco.WriteTable(a.out, c); err != nil {
			return err
		}
	}
	html, err := harness.WriteReports(dir)
	if err != nil {
		return errors.Join(errors.New("demo: write the report"), err)
	}
	abs, _ := filepath.Abs(html)
	fmt.Fprintf(a.out, "\n== report written: %s\n", abs)
	return nil
}
