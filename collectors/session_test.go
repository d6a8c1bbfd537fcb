package collectors

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// fake is a scripted collector.
type fake struct {
	name   string
	run    func(ctx context.Context, s Sink) error
	health Health
	marks  int
}

func (f *fake) Name() string                          { return f.name }
func (f *fake) Run(ctx context.Context, s Sink) error { return f.run(ctx, s) }
func (f *fake) Health() runrecord.CollectorHealth     { return f.health.Report(f.name) }
func (f *fake) Mark(s Sink) {
	f.marks++
	s.Add(Reading{At: time.Now(), Metric: "mark"})
}

type windowFake struct {
	fake
	from, to time.Time
}

func (w *windowFake) CollectWindow(_ context.Context, from, to time.Time, s Sink) error {
	w.from, w.to = from, to
	s.Add(Reading{At: from, Metric: "from"})
	return nil
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	if err := r.Register(&fake{name: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(&fake{name: "a"}); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Errorf("duplicate: %v", err)
	}
	if err := r.Register(&fake{}); err == nil {
		t.Error("empty name accepted")
	}
	if _, ok := r.Get("a"); !ok || len(r.Names()) != 1 {
		t.Errorf("names %v", r.Names())
	}
}

// TestOneFailureDoesNotSinkOthers: a panicking and an erroring collector
// are reported in their health while a working one keeps sampling.
func TestOneFailureDoesNotSinkOthers(t *testing.T) {
	first := make(chan struct{})
	var once sync.Once
	good := &fake{name: "good", run: func(ctx context.Context, s Sink) error {
		return Every(ctx, 10*time.Millisecond, func(now time.Time) {
			s.Add(Reading{At: now, Metric: "x_pct", Value: 1})
			once.Do(func() { close(first) })
		})
	}}
	bad := &fake{name: "bad", run: func(context.Context, Sink) error { return errors.New("device gone") }}
	boom := &fake{name: "boom", run: func(context.Context, Sink) error { panic("nil map") }}
	win := &windowFake{fake: fake{name: "win", run: func(ctx context.Context, _ Sink) error { <-ctx.Done(); return nil }}}
	r := NewRegistry()
	for _, c := range []Collector{good, bad, boom, win} {
		if err := r.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	s := r.Start(context.Background())
	<-first
	zero := time.Now()
	s.Mark()
	time.Sleep(30 * time.Millisecond) // let a few ticks land after zero
	s.Stop(context.Background())
	s.Stop(context.Background()) // idempotent

	h := map[string]runrecord.CollectorHealth{}
	for _, x := range s.Health() {
		h[x.Name] = x
	}
	if h["bad"].OK || h["bad"].Message != "device gone" {
		t.Errorf("bad: %+v", h["bad"])
	}
	if h["boom"].OK || !strings.HasPrefix(h["boom"].Message, "panic: nil map") {
		t.Errorf("boom: %+v", h["boom"])
	}
	if !h["good"].OK || !h["win"].OK {
		t.Errorf("good %+v win %+v", h["good"], h["win"])
	}
	samples := s.Samples(zero)
	var before, after, from int
	for _, x := range samples {
		switch {
		case x.Metric == "from":
			from++
			if x.Collector != "win" || x.TNS >= 0 {
				t.Errorf("window sample %+v", x)
			}
		case x.Collector == "good" && x.TNS < 0:
			before++
		case x.Collector == "good":
			after++
		}
	}
	if before == 0 || after == 0 || from != 1 || win.marks != 1 || good.marks != 1 {
		t.Errorf("before %d after %d from %d marks %d/%d", before, after, from, win.marks, good.marks)
	}
	for i := 1; i < len(samples); i++ {
		if samples[i].TNS < samples[i-1].TNS {
			t.Fatal("samples not sorted by time")
		}
	}
	dir := t.TempDir()
	if err := WriteTelemetry(dir, samples); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, runrecord.TelemetryFile)); strings.Count(string(b), "\n") != len(samples) {
		t.Errorf("telemetry.jsonl has %d lines, want %d", strings.Count(string(b), "\n"), len(samples))
	}
}
