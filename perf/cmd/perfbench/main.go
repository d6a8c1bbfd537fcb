// Command perfbench runs tcobench's self-benchmark (package perf) and
// prints its table: `make bench` runs it. Flags choose the parts and sizes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"

	"github.com/tcobench/tcobench/perf"
)

func main() {
	if child, err := perf.RunChildIfAsked(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "perfbench child:", err)
			os.Exit(1)
		}
		return
	}
	var o perf.Options
	only := flag.String("only", "", "comma-separated parts: ingest, lag, ttft, memory, runmem, collectors, report (default all)")
	flag.DurationVar(&o.Step, "step", 0, "length of each load measurement (default 3s)")
	flag.IntVar(&o.Streams, "streams", 0, "streams of the memory benchmark (default 10000)")
	flag.IntVar(&o.Attempts, "attempts", 0, "attempts per synthetic run of the report benchmark (default 1000000)")
	flag.IntVar(&o.Requests, "requests", 0, "requests of the long-run memory benchmark (default 1000000)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of this process (the harness side) to this file")
	flag.Parse()
	if *only != "" {
		o.Only = strings.Split(*only, ",")
	}
	if err := run(o, *prof); err != nil {
		fmt.Fprintln(os.Stderr, "perfbench:", err)
		os.Exit(1)
	}
}

func run(o perf.Options, prof string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if prof != "" {
		f, err := os.Create(prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return perf.Suite(ctx, os.Stdout, os.Stderr, o)
}
