package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/internal/doctor"
	"github.com/tcobench/tcobench/internal/localserver"
)

// newDemoCmd is what `make demo` runs: a real local model server, checked
// by doctor, then (later) a benchmark and its report.
func newDemoCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "demo",
		Short:  "Start a local Ollama with a generated model, check it, then stop it (used by make demo)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), a)
		},
	}
	cmd.Flags().String("size", "small", "generated model size: tiny or small")
	cmd.Flags().String("out", "demo-out", "directory for the demo's run record and report")
	return cmd
}

func runDemo(ctx context.Context, a *app) error {
	size := a.v.GetString("size")
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
		return withExit(1, fmt.Errorf("demo: the local server does not answer: %s", rep.Target.Error))
	}
	if err := runDemoBenchmark(ctx, a, srv); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\n== stopping the local server")
	return srv.Stop()
}

// runDemoBenchmark runs the demo's benchmark against srv and writes its
// report under --out.
//
// TODO(lead): once the load engine and the report land, run a short
// benchmark here (for example the tier1-support-ticket workload at a few
// concurrency levels against srv.URL() and srv.Model()), write the run
// record to a.v.GetString("out") and render the report next to it.
func runDemoBenchmark(ctx context.Context, a *app, srv *localserver.Server) error {
	_, _ = ctx, srv
	fmt.Fprintf(a.out, "\n== benchmark: not wired in yet (the load engine lands in a later issue); see %s later\n", a.v.GetString("out"))
	return nil
}
