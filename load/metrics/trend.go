package metrics

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/tcobench/tcobench/runrecord"
)

// trendCap bounds the points the trend warning keeps (16 bytes each, 1 MiB).
// Past it every other point is dropped and only every stride-th new one is
// kept, so the points stay an even sample of the run, in any length.
const trendCap = 1 << 16

// trendPoint is a first step's latencies (ms), for the trend warning.
type trendPoint struct {
	sched         int64
	e2eSched, e2e float32
}

// trend is an evenly thinned sample of first steps' latencies.
type trend struct {
	pts    []trendPoint
	stride int
	seen   int
}

func (t *trend) add(p trendPoint) {
	t.seen++
	if t.stride > 1 && t.seen%t.stride != 0 {
		return
	}
	if len(t.pts) == trendCap {
		half := t.pts[:0]
		for i := 1; i < len(t.pts); i += 2 {
			half = append(half, t.pts[i])
		}
		t.pts = half
		t.stride = max(2, 2*t.stride)
	}
	t.pts = append(t.pts, p)
}

// warning compares the first and last thirds of the first steps (in
// schedule order): latency from the scheduled time growing while latency
// from the send does not means requests queued before they were sent.
func (t *trend) warning() string {
	// Later steps of a multi-step task carry a growing context, so they are
	// slower by design; the first steps alone show whether the server fell
	// behind over the run.
	pts := slices.Clone(t.pts)
	n := len(pts)
	if n < 9 {
		return ""
	}
	slices.SortFunc(pts, func(a, b trendPoint) int { return cmp.Compare(a.sched, b.sched) })
	third := n / 3
	firstS, lastS := medianOf(pts[:third], true), medianOf(pts[n-third:], true)
	first, last := medianOf(pts[:third], false), medianOf(pts[n-third:], false)
	if lastS < 2*firstS || lastS-firstS < 50 {
		return ""
	}
	if last < 1.5*first+10 {
		return fmt.Sprintf("latency from the scheduled time grew during the run (median e2e %.0f ms in the first third, %.0f ms in the last) while latency from the send stayed near %.0f ms: %s", firstS, lastS, last, runrecord.WarnQueuedBehind)
	}
	return fmt.Sprintf("latency grew during the run both from the scheduled time (median e2e %.0f → %.0f ms) and from the send (%.0f → %.0f ms): %s", firstS, lastS, first, last, runrecord.WarnOverloaded)
}

func medianOf(pts []trendPoint, sched bool) float64 {
	xs := make([]float64, len(pts))
	for i, p := range pts {
		xs[i] = float64(p.e2e)
		if sched {
			xs[i] = float64(p.e2eSched)
		}
	}
	slices.Sort(xs)
	return Quantile(xs, 0.5)
}
