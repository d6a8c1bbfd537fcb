package collectors

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Session runs a registry's collectors and keeps their readings.
type Session struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	started time.Time
	cs      []Collector

	mu       sync.Mutex
	readings []Reading
	listen   []func(Reading)
	runErr   map[string]error
	stopped  bool
}

// SessionOption configures a session.
type SessionOption func(*Session)

// WithListener calls fn for every reading as it arrives (live export).
// fn must be quick and safe for concurrent use.
func WithListener(fn func(Reading)) SessionOption {
	return func(s *Session) { s.listen = append(s.listen, fn) }
}

// Start starts every registered collector, each in its own goroutine.
func (r *Registry) Start(ctx context.Context, opts ...SessionOption) *Session {
	ctx, cancel := context.WithCancel(ctx)
	s := &Session{cancel: cancel, started: time.Now(), cs: r.Collectors(), runErr: map[string]error{}}
	for _, o := range opts {
		o(s)
	}
	for _, c := range s.cs {
		s.wg.Add(1)
		go s.run(ctx, c)
	}
	return s
}

func (s *Session) run(ctx context.Context, c Collector) {
	defer s.wg.Done()
	defer func() {
		if p := recover(); p != nil {
			s.setErr(c.Name(), fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()
	if err := c.Run(ctx, namedSink{s, c.Name()}); err != nil && !errors.Is(err, context.Canceled) {
		s.setErr(c.Name(), err)
	}
}

func (s *Session) setErr(name string, err error) {
	s.mu.Lock()
	s.runErr[name] = err
	s.mu.Unlock()
}

// Add keeps a reading. Collectors get a Sink that sets Reading.Collector.
func (s *Session) Add(r Reading) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.readings = append(s.readings, r)
	ls := s.listen
	s.mu.Unlock()
	for _, fn := range ls {
		fn(r)
	}
}

type namedSink struct {
	s    *Session
	name string
}

func (n namedSink) Add(r Reading) {
	r.Collector = n.name
	n.s.Add(r)
}

// Started is when the session started sampling.
func (s *Session) Started() time.Time { return s.started }

// Stop ends sampling, then lets each WindowCollector read the span from the
// session's start to now. It is idempotent.
func (s *Session) Stop(ctx context.Context) {
	s.mu.Lock()
	if s.cancel == nil {
		s.mu.Unlock()
		return
	}
	cancel := s.cancel
	s.cancel = nil
	s.mu.Unlock()
	cancel()
	s.wg.Wait()
	end := time.Now()
	for _, c := range s.cs {
		wc, ok := c.(WindowCollector)
		if !ok {
			continue
		}
		if err := s.collectWindow(ctx, wc, end); err != nil {
			s.setErr(c.Name(), err)
		}
	}
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
}

func (s *Session) collectWindow(ctx context.Context, wc WindowCollector, end time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return wc.CollectWindow(ctx, s.started, end, namedSink{s, wc.Name()})
}

// Samples returns the readings on the run clock whose zero is zero (readings
// before zero get negative times), sorted by time.
func (s *Session) Samples(zero time.Time) []runrecord.Sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]runrecord.Sample, len(s.readings))
	for i, r := range s.readings {
		out[i] = runrecord.Sample{TNS: r.At.Sub(zero).Nanoseconds(), Collector: r.Collector, Metric: r.Metric, Labels: r.Labels, Value: r.Value}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TNS < out[j].TNS })
	return out
}

// Health returns each collector's health, with errors that ended a
// collector folded in.
func (s *Session) Health() []runrecord.CollectorHealth {
	out := make([]runrecord.CollectorHealth, 0, len(s.cs))
	for _, c := range s.cs {
		h := c.Health()
		h.Name = c.Name()
		s.mu.Lock()
		err := s.runErr[c.Name()]
		s.mu.Unlock()
		if err != nil {
			h.OK = false
			h.Errors++
			h.Message = oneLine(err.Error())
		}
		out = append(out, h)
	}
	return out
}

// Mark asks every Marker collector to read its counters now.
func (s *Session) Mark() {
	for _, c := range s.cs {
		if m, ok := c.(Marker); ok {
			m.Mark(namedSink{s, c.Name()})
		}
	}
}
