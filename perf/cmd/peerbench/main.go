// Command peerbench runs tcobench beside vegeta against the zero-work fake
// server at the same points, alternating their order, and prints each
// client's figures against the server's own log with tcobench's ratio to
// the peer: `make bench-peers` builds the clients and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/perf"
)

func main() {
	if child, err := perf.RunChildIfAsked(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "peerbench child:", err)
			os.Exit(1)
		}
		return
	}
	var o perf.PeerOptions
	rates := flag.String("rates", "50,200,500,1000,2000", "open-loop points, requests per second (constant pacing)")
	flag.IntVar(&o.Streams, "streams", 500, "closed-loop point: concurrent streams (0: none)")
	flag.DurationVar(&o.Duration, "duration", 0, "each client's run per point (default 5s)")
	flag.IntVar(&o.Rounds, "rounds", 3, "repetitions of every point, the clients' order alternating")
	flag.StringVar(&o.Tcobench, "tcobench", "bin/tcobench", "the tcobench executable")
	flag.StringVar(&o.Vegeta, "vegeta", "", "the vegeta executable (empty: tcobench alone)")
	flag.Parse()
	for _, r := range strings.Split(*rates, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		v, err := strconv.ParseFloat(r, 64)
		if err != nil || v <= 0 {
			fmt.Fprintf(os.Stderr, "peerbench: -rates: %q is not a positive number\n", r)
			os.Exit(2)
		}
		o.Rates = append(o.Rates, v)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o.Progress = func(s string) { fmt.Fprintln(os.Stderr, s) }
	fmt.Printf("tcobench beside its peers: %s\n", perf.Machine())
	fmt.Printf("fake server: child process on loopback, 16 tokens, first 20 ms after arrival, then every 2 ms; each client %s per point, %d rounds, order alternating\n", durationOr(o), o.Rounds)
	fmt.Println("figures: p99 per run, then median (min–max) over the rounds; judged against the server's own log, joined by X-Request-Id")
	fmt.Println("machine floor: how late a bare kernel sleep (clock_nanosleep) woke pacing the point's rate with nothing else running, measured before each round's clients; floor / peer is the lowest lag ratio the machine allowed")
	fmt.Println("steal %: the share of the machine's CPU time its hypervisor took during each client's run (/proc/stat), which the load average does not show")
	fmt.Println("k6 is not run: it is AGPL-licensed, which this project does not take in")
	fmt.Println()
	pts, err := perf.Peers(ctx, o)
	if werr := perf.WritePeers(os.Stdout, pts); err == nil {
		err = werr
	}
	b, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("\nload average at the end: %s", b)
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		os.Exit(1)
	}
}

func durationOr(o perf.PeerOptions) string {
	if o.Duration > 0 {
		return o.Duration.String()
	}
	return "5s"
}
