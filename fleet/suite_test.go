package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/runrecord"
)

// Two shards split by node each run a whole suite; each run of the suite
// is a fleet run of its own (<ID>.<run>), merged by its last shard into
// the suite's merged directory, the task IDs kept apart by shard.
func TestSuiteAsFleet(t *testing.T) {
	url, _ := fake(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte("name: s\ndefaults: {count: 4, model: fake, flags: {collectors: none}}\n"+
		"workloads: [draft-email]\ntargets:\n  - {name: fake, url: '"+url+"'}\nloads:\n  - concurrency: 1\n  - concurrency: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := harness.LoadSuite(path)
	if err != nil {
		t.Fatal(err)
	}
	dsn := filepath.Join(dir, "results.db")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ss := harness.SuiteSpec{Suite: s, Dir: filepath.Join(dir, fmt.Sprintf("node-%d", i))}
			_, errs[i] = RunSuite(context.Background(), ss, Spec{Store: dsn, Lead: 300 * time.Millisecond,
				Settings: Settings{ID: "nightly", Shard: fmt.Sprintf("%d/2", i), Split: runrecord.FleetSplitNode, Wait: time.Minute}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	for _, name := range []string{"01-draft-email-fake-c1", "02-draft-email-fake-c2"} {
		m := merge(t, dsn, "nightly."+name, MergeOptions{})
		if m.Run.Partial || m.Run.Summary.Requests.Measured != 8 || m.Run.Summary.Tasks.Started < 8 {
			t.Errorf("%s: partial %v (%s), %d measured requests, %d tasks", name, m.Run.Partial, m.Run.PartialReason,
				m.Run.Summary.Requests.Measured, m.Run.Summary.Tasks.Started)
		}
		found := 0
		for _, d := range []string{"node-0", "node-1"} {
			if _, err := runrecord.ReadRun(filepath.Join(dir, d, "merged", name)); err == nil {
				found++
			}
		}
		if found != 1 {
			t.Errorf("%s merged into %d suite directories, want 1 (by its last shard)", name, found)
		}
	}
}
