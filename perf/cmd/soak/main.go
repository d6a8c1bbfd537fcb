// Command soak runs tcobench's soak benchmark (perf.Soak): the load engine
// at a moderate load against the fake server for an hour (-duration sets
// another length), printing the harness's memory, open files and goroutines
// over time. `make soak` runs it; it is not part of `make test`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/tcobench/tcobench/perf"
)

func main() {
	if child, err := perf.RunChildIfAsked(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak child:", err)
			os.Exit(1)
		}
		return
	}
	var o perf.SoakOptions
	flag.DurationVar(&o.Duration, "duration", 0, "how long the load runs (default 1h)")
	flag.DurationVar(&o.Interval, "interval", 0, "how often resources are sampled (default duration/20, 5s to 1m)")
	flag.Float64Var(&o.RatePerS, "rate", 0, "Poisson arrival rate, tasks per second (default 50)")
	flag.StringVar(&o.Dir, "dir", "", "keep the run directory here (default a temporary one, removed)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := perf.Soak(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}
