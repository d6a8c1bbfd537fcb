// Package sinktest provides a collectors.Sink that keeps readings, for tests.
package sinktest

import (
	"sync"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Sink keeps every reading; it is safe for concurrent use.
type Sink struct {
	mu  sync.Mutex
	got []collectors.Reading
}

// Add keeps r.
func (s *Sink) Add(r collectors.Reading) {
	s.mu.Lock()
	s.got = append(s.got, r)
	s.mu.Unlock()
}

// Readings returns a copy of the readings so far.
func (s *Sink) Readings() []collectors.Reading {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]collectors.Reading(nil), s.got...)
}

// Last is the latest reading of metric.
func (s *Sink) Last(metric string) (collectors.Reading, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.got) - 1; i >= 0; i-- {
		if s.got[i].Metric == metric {
			return s.got[i], true
		}
	}
	return collectors.Reading{}, false
}

// Samples converts the readings to run-clock samples from collector.
func (s *Sink) Samples(zero time.Time, collector string) []runrecord.Sample {
	var out []runrecord.Sample
	for _, r := range s.Readings() {
		out = append(out, runrecord.Sample{TNS: r.At.Sub(zero).Nanoseconds(), Collector: collector, Metric: r.Metric, Labels: r.Labels, Value: r.Value})
	}
	return out
}
