package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/doctor"
	"github.com/tcobench/tcobench/internal/localserver"
)

// newDemoCmd is what `make demo` runs: a real local model server, checked
// by doctor, then a real benchmark, its price and its report.
func newDemoCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "demo",
		Short:  "Start a local Ollama with a generated model, benchmark it, price it, write the report (used by make demo)",
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

// runDemoBenchmark runs a real multi-step workload (an agent resolving a
// support ticket) against srv, prices it with the CPU-server profile against
// the API catalog, and writes the HTML report under --out. Each step goes
// through the same commands a user would type.
func runDemoBenchmark(ctx context.Context, a *app, srv *localserver.Server) error {
	out := a.v.GetString("out")
	dir := filepath.Join(out, "run-"+time.Now().UTC().Format("20060102T150405Z"))
	steps := [][]string{
		{"run", "--workload", "tier1-support-ticket", "--target", srv.URL(), "--model", srv.Model(),
			"--backend", "openai-chat", "--concurrency", "2", "--requests", "2", "--warmup", "0s",
			"--slo", "ttft=5s,e2e=30s", "--hardware", "cpu-server", "--site", "office", "--out", dir},
		{"cost", dir, "--hardware", "cpu-server", "--site", "office"},
		{"report", dir, "--format", "html", "--out", filepath.Join(dir, "report.html")},
		{"report", dir, "--format", "md", "--out", filepath.Join(dir, "report.md")},
	}
	for _, args := range steps {
		fmt.Fprintf(a.out, "\n== tcobench %s\n", strings.Join(args, " "))
		if code := execute(ctx, args, a.out, a.errOut); code != 0 {
			return withExit(code, fmt.Errorf("demo: tcobench %s failed (exit status %d)", args[0], code))
		}
	}
	abs, _ := filepath.Abs(filepath.Join(dir, "report.html"))
	fmt.Fprintf(a.out, "\n== report written: %s\n", abs)
	return nil
}
