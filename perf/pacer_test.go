package perf

import (
	"github.com/tcobench/tcobench/runrecord"

	"strconv"
	"testing"
	"time"

	"github.com/tcobench/tcobench/load"
)

// BenchmarkPacerWake measures how late each pacer wakes for a Poisson
// schedule at 1,000 and 5,000 per second (no network): the pacing floor.
func BenchmarkPacerWake(b *testing.B) {
	for _, rate := range []float64{1000, 5000} {
		for _, v := range []string{"timer", "nanosleep"} {
			b.Run(v+"/"+itoaF(rate), func(b *testing.B) {
				for range b.N {
					s := pacerWake(v, rate, time.Second)
					b.ReportMetric(s.P50, "p50-ms")
					b.ReportMetric(s.P99, "p99-ms")
					b.ReportMetric(s.Max, "max-ms")
				}
			})
		}
	}
}

func itoaF(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func pacerWake(v string, rate float64, d time.Duration) Stats {
	arr, _ := load.NewArrivals(runrecord.ArrivalPoisson, rate, 1, 1)
	var w Waiter
	var start time.Time
	if v == "nanosleep" {
		w, start = NewNanosleepWaiter()
	} else {
		start = time.Now()
		w = TimerWaiter{Start: start}
	}
	var lag []float64
	paceLoop(w, false, arr.At, int64(d), func(_ int, due int64) {
		lag = append(lag, ms(int64(time.Since(start))-due))
	})
	return stats(lag)
}
