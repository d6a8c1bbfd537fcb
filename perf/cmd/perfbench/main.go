// Command perfbench runs tcobench's self-benchmark (package perf) and
// prints its table: `make bench` runs it. Flags choose the parts and sizes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"strings"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/perf"
	"github.com/tcobench/tcobench/runrecord"
)

func main() {
	if child, err := perf.RunMemChildIfAsked(longRun); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "perfbench child:", err)
			os.Exit(1)
		}
		return
	}
	if child, err := perf.RunChildIfAsked(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "perfbench child:", err)
			os.Exit(1)
		}
		return
	}
	o := perf.Options{LongRun: longRun}
	only := flag.String("only", "", "comma-separated parts: ingest, lag, ttft, memory, runmem, collectors, report (default all)")
	flag.DurationVar(&o.Step, "step", 0, "length of each load measurement (default 3s)")
	flag.IntVar(&o.Streams, "streams", 0, "streams of the memory benchmark (default 10000)")
	flag.IntVar(&o.Attempts, "attempts", 0, "attempts per synthetic run of the report benchmark (default 1000000)")
	flag.IntVar(&o.Requests, "requests", 0, "requests of the long-run memory benchmark (default 1000000)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of this process (the harness side) to this file")
	tr := flag.String("trace", "", "write a runtime/trace execution trace of this process to this file (go tool trace)")
	flag.Parse()
	if *only != "" {
		o.Only = strings.Split(*only, ",")
	}
	if err := run(o, *prof, *tr); err != nil {
		fmt.Fprintln(os.Stderr, "perfbench:", err)
		os.Exit(1)
	}
}

func run(o perf.Options, prof, tr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	stopTrace, err := record(tr, trace.Start, trace.Stop)
	if err != nil {
		return err
	}
	defer stopTrace()
	stopProf, err := record(prof, pprof.StartCPUProfile, pprof.StopCPUProfile)
	if err != nil {
		return err
	}
	defer stopProf()
	return perf.Suite(ctx, os.Stdout, os.Stderr, o)
}

// record starts writing a profile or trace to path ("" for none) and
// returns what stops it and closes the file.
func record(path string, start func(io.Writer) error, stop func()) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { stop(); f.Close() }, nil
}

// longRun applies the long-run memory benchmark's load through
// harness.Run: the engine, the telemetry hooks with the host collector and
// the live exporter, as `tcobench run` would.
func longRun(ctx context.Context, url string, n int, dir string, observe func(*runrecord.Attempt)) (*runrecord.Run, error) {
	p, sched, seed := perf.LongRunShape()
	res, err := harness.Run(ctx, harness.Spec{
		Load: load.Config{Name: "perf-runmem", OutDir: dir, Target: modelapi.Target{URL: url, API: modelapi.KindOpenAIChat, Model: "fake"},
			Plan: p, Schedule: sched, Limits: load.Limits{Count: n}, Seed: seed, Hooks: []load.Hooks{{Observe: observe}}},
		Telemetry: harness.Telemetry{Collectors: []string{"host"}},
	})
	if err != nil {
		return nil, err
	}
	return res.Run, nil
}
