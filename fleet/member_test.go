package fleet

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// A shard whose beats cannot reach the store says so in its run record
// (which the merge carries), rather than going silent until it is counted
// lost; its attempts are kept for a later beat.
func TestFailedBeatsAreRecorded(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.JoinFleet(ctx, store.FleetJoin{ID: "silent", Shards: 2, Split: runrecord.FleetSplitNode, Nodes: 2, Plan: "p", Wait: time.Minute, Shard: 1, Host: "h"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st.Close() // every beat from now on fails
	m := newMember(st, f, Shard{Index: 1, Count: 2}, &Spec{Beat: 5 * time.Millisecond}, io.Discard)
	m.observe(&runrecord.Attempt{Seq: 1, TaskID: "t", Phase: runrecord.PhaseMeasure, OK: true})
	deadline := time.Now().Add(10 * time.Second)
	for {
		m.mu.Lock()
		n := m.beatFails
		m.mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no beat failed against a closed store")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(m.stop)
	<-m.done
	run := &runrecord.Run{}
	if err := m.finishRun(ctx, "", run); err != nil {
		t.Fatal(err)
	}
	if run.Fleet == nil || run.Fleet.ID != "silent" || *run.Fleet.Shard != 1 {
		t.Errorf("fleet section %+v", run.Fleet)
	}
	w := strings.Join(run.Warnings, "\n")
	if !strings.Contains(w, "fleet silent shard 1/2: ") || !strings.Contains(w, "beats could not reach the results store (last: ") || !strings.Contains(w, "count it lost") {
		t.Errorf("warnings %q: want the failed beats", run.Warnings)
	}
	if len(m.pending) != 1 {
		t.Errorf("%d attempts pending, want the one that could not be stored", len(m.pending))
	}
}
