package load

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

func progressEngine(p *progress) *engine {
	e := &engine{prog: p, clk: modelapi.NewClock(time.Now()), gate: newGate(runrecord.LoadConfig{Count: 50}),
		cfg: &Config{load: runrecord.LoadConfig{Count: 50}}}
	for range 14 {
		e.gate.admit(0)
	}
	e.sent.Store(12)
	e.inflight.Store(2)
	return e
}

// The live line says sent, done, errors, the current rate and the p50
// TTFT; on a terminal it is rewritten in place and never wider than the
// terminal (a wrapped line would leave copies behind).
func TestProgressLiveLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true, width: func() int { return 40 }}
	e := progressEngine(p)
	for i := 0; i < 10; i++ {
		p.observe(&runrecord.Attempt{OK: i != 0, SentNS: 0, FirstTokenNS: int64(i+1) * int64(time.Millisecond)})
	}
	t0 := time.Unix(1000, 0)
	p.rate(t0, 0)
	e.printProgress(p, t0.Add(2*time.Second), false)
	line := buf.String()
	if !strings.HasPrefix(line, "\r\033[K") || strings.Contains(line, "\n") || len(line)-len("\r\033[K") > 39 {
		t.Fatalf("live line %q: want a rewritten line of at most 39 columns", line)
	}
	buf.Reset()
	p.width = func() int { return 0 } // unknown width: nothing cut
	e.printProgress(p, t0.Add(4*time.Second), true)
	line = buf.String()
	for _, want := range []string{"measure ", "tasks=14/50", "s left)", "sent=12", "done=10", "errors=1", "rate=2.5/s", "ttft_p50=6.0ms", "\n"} {
		if !strings.Contains(line, want) {
			t.Errorf("final line %q lacks %q", line, want)
		}
	}
}

// The rate is over the last few seconds, not since the previous tick, so a
// 250 ms tick with nothing finished does not read 0/s.
func TestProgressRateWindow(t *testing.T) {
	p := &progress{}
	t0 := time.Unix(1000, 0)
	p.rate(t0, 0)
	for i := 1; i <= 40; i++ { // 10 s of readings every 250 ms, 4 done per s
		p.rate(t0.Add(time.Duration(i)*250*time.Millisecond), int64(i))
	}
	if r := p.rate(t0.Add(10*time.Second+250*time.Millisecond), 40); r < 3 || r > 4.1 {
		t.Fatalf("rate %v after a quiet tick, want about 4/s over the window", r)
	}
	if len(p.hist) > 45 {
		t.Fatalf("%d readings kept, want only the window's", len(p.hist))
	}
}

// Without a terminal, progress is plain lines; with no writer, none.
func TestProgressPlainAndQuiet(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf}
	e := progressEngine(p)
	e.printProgress(p, time.Now(), false)
	if s := buf.String(); strings.Contains(s, "\033") || !strings.HasSuffix(s, "\n") {
		t.Fatalf("plain line %q", s)
	}
	e.prog = nil
	stop := e.startProgress(make(chan struct{}))
	stop()
	if e.prog != nil {
		t.Fatal("progress kept with no writer (--quiet)")
	}
}
