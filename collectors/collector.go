package collectors

import (
	"context"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Reading is one value a collector observed at a moment. At must come from
// time.Now (it keeps the monotonic clock reading the run clock is built on).
type Reading struct {
	At     time.Time
	Metric string
	// Labels identify the source; collectors should reuse one map per source
	// (readings are kept, not copied).
	Labels map[string]string
	Value  float64
	// Collector is set by the session to the name of the collector that
	// produced the reading.
	Collector string
}

// Sink receives readings. It is safe for concurrent use.
type Sink interface {
	Add(r Reading)
}

// Collector samples one source until its context ends.
type Collector interface {
	// Name is the collector's registered name ("nvml", "host", ...).
	Name() string
	// Run samples into sink until ctx is done. An error ends only this
	// collector; it is recorded in its health.
	Run(ctx context.Context, sink Sink) error
	// Health reports how the collector did so far.
	Health() runrecord.CollectorHealth
}

// WindowCollector is a collector that reads a whole span after the fact
// (for example from a Prometheus server's history) when the session stops.
type WindowCollector interface {
	Collector
	CollectWindow(ctx context.Context, from, to time.Time, sink Sink) error
}

// Marker is a collector that can read its counters on demand, at a window
// boundary (the run's clock zero, the end of the load).
type Marker interface {
	Mark(sink Sink)
}
