package load

import (
	"context"
	"fmt"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// Shard is one share of a schedule split across processes: arrival i of an
// open-loop or trace schedule is this process's when i mod Count is Index.
// The zero Shard (Count 0 or 1) is the whole schedule.
type Shard struct {
	Index, Count int
}

// split reports whether the shard is a share of a split schedule.
func (s Shard) split() bool { return s.Count > 1 }

// keeps reports whether arrival i is this shard's.
func (s Shard) keeps(i int) bool { return !s.split() || i%s.Count == s.Index }

// validate checks the shard against the schedule's mode.
func (s Shard) validate(m runrecord.ArrivalMode) error {
	if s.Count < 0 || s.Count > 0 && (s.Index < 0 || s.Index >= s.Count) {
		return badinput.Field("shard", fmt.Sprintf("%d/%d", s.Index, s.Count), "the index must be 0 to %d", max(s.Count-1, 0))
	}
	if s.split() && m == runrecord.ArrivalClosed {
		return badinput.Field("shard", fmt.Sprintf("%d/%d", s.Index, s.Count),
			"a closed loop cannot be split by schedule (its sends follow the server's answers): use an open-loop arrival, or split by node")
	}
	return nil
}

// waitStart waits until at, the run clock's agreed zero. It returns false
// when ctx ended first.
func waitStart(ctx context.Context, at time.Time) bool {
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// clockZero is the run's start: now, or the agreed start at with a
// monotonic reading taken now (the wall clock reads at).
func clockZero(at time.Time) time.Time {
	now := time.Now()
	if at.IsZero() {
		return now
	}
	return now.Add(-now.Sub(at.Round(0)))
}
