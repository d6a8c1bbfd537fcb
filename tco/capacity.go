package tco

import (
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// keptUpFraction is how close to the offered rate an open loop's achieved
// task rate must be for the server to count as having kept up.
const keptUpFraction = 0.9

// idleInFlight is the mean number of requests in flight below which a run
// plainly did not saturate a server that batches.
const idleInFlight = 1.5

// throughputBasis says at what throughput the node's cost is spread: the
// capacity at the SLOs when the caller priced a sweep's best point or a
// capacity search (given), else the run's offered load, with whether the
// run plainly left the server unsaturated.
func throughputBasis(run *runrecord.Run, given *runrecord.ThroughputBasis) *runrecord.ThroughputBasis {
	s := run.Summary
	inFlight := s.Throughput.RequestsPerS * s.LatencyMS[runrecord.MetricE2E].Mean / 1000
	if given != nil {
		b := *given
		b.MeanInFlight, b.Saturated = inFlight, true
		return &b
	}
	b := &runrecord.ThroughputBasis{Basis: runrecord.BasisOfferedLoad, Label: "at offered load, not capacity",
		Saturated: true, MeanInFlight: inFlight}
	l := run.Config.Load
	open := l.Mode == runrecord.ArrivalConstant || l.Mode == runrecord.ArrivalPoisson || l.Mode == runrecord.ArrivalGamma
	switch {
	case open && l.RatePerS > 0 && s.Throughput.TasksPerS >= keptUpFraction*l.RatePerS && !fellBehind(run.Warnings):
		b.Saturated = false
		b.Reason = fmt.Sprintf("the server kept up with the offered %.3g tasks/s (%.3g achieved, %.2f requests in flight on average) and latency did not grow", l.RatePerS, s.Throughput.TasksPerS, inFlight)
	case inFlight < idleInFlight:
		b.Saturated = false
		b.Reason = fmt.Sprintf("%.2f requests were in flight on average (requests/s × mean end-to-end latency): the server was often idle or served one request at a time", inFlight)
	}
	return b
}

// fellBehind reports whether the run's warnings say the server did not keep up.
func fellBehind(ws []string) bool {
	for _, w := range ws {
		if strings.HasSuffix(w, runrecord.WarnQueuedBehind) || strings.HasSuffix(w, runrecord.WarnOverloaded) {
			return true
		}
	}
	return false
}

// basisNotes say how the throughput basis bears on the on-prem figures.
func basisNotes(b *runrecord.ThroughputBasis) []string {
	if b.Basis == runrecord.BasisCapacity {
		return []string{"on-prem and rented costs are spread over the node's capacity at the SLOs: " + b.Label}
	}
	n := []string{"on-prem and rented costs are priced at offered load, not capacity: the node's hourly cost is spread over the throughput this one run's load produced, whatever the node could do"}
	if !b.Saturated {
		n = append(n, "WARNING: the server was plainly not saturated ("+b.Reason+"): its capacity at the SLOs is higher, so these on-prem and rented costs per task are upper bounds; measure the capacity with tcobench sweep (or sweep --search) and price its best point")
	}
	return n
}
