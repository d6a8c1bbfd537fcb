package fleet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// merged is a merged fleet run of id with one attempt per seq.
func merged(id string, seqs ...int64) *Merged {
	m := &Merged{Run: &runrecord.Run{ID: "fleet-" + id, Fleet: &runrecord.Fleet{ID: id, Shards: 2}}}
	for _, s := range seqs {
		m.Attempts = append(m.Attempts, runrecord.Attempt{Seq: s, TaskID: "t", OK: true})
	}
	return m
}

// A second merge of the same fleet into one directory rewrites its files
// (the earlier merge's requests and the pricing done on it go); a
// directory holding another run, or another fleet's, is refused.
func TestWriteRewritesAnEarlierMerge(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "merged")
	if err := merged("f", 1, 2, 3).Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, runrecord.CostFile), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := merged("f", 1, 2).Write(dir); err != nil {
		t.Fatalf("re-merge: %v", err)
	}
	atts, err := runrecord.LoadAttempts(dir)
	if err != nil || len(atts) != 2 {
		t.Errorf("re-merged requests: %d attempts (%v), want 2", len(atts), err)
	}
	if _, err := os.Stat(filepath.Join(dir, runrecord.CostFile)); !os.IsNotExist(err) {
		t.Errorf("the earlier merge's cost.json is kept: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := merged("g", 1).Write(dir); err == nil || !badinput.Is(err) || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("another fleet's merge into it: %v", err)
	}
	// An unfinished run's files (no run.json) are not a merge to rewrite.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, runrecord.RequestsFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := merged("f", 1).Write(other); err == nil || !badinput.Is(err) {
		t.Errorf("into an unfinished run's directory: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(other, runrecord.RequestsFile)); err != nil || fi.Size() != 0 {
		t.Errorf("the unfinished run's requests were touched: %v", err)
	}
}

// The last shard's merge that fails (here: its merged directory holds
// another run) fails the shard, saying how to merge again, rather than
// going unsaid; the shard's own record is stored, and the fleet merges by
// hand, twice into one directory as well.
func TestFailedMergeOfTheLastShardIsReturned(t *testing.T) {
	url, _ := fake(t)
	dir := t.TempDir()
	dsn := filepath.Join(dir, "results.db")
	taken := filepath.Join(dir, "taken")
	if err := os.MkdirAll(taken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := runrecord.WriteRun(taken, &runrecord.Run{ID: "another-run"}); err != nil {
		t.Fatal(err)
	}
	s := shardSpec(url, dir, dsn, "unmerged", 0, 1)
	s.Run.Load.Limits.Count, s.Merged = 10, taken
	res, err := Run(context.Background(), s)
	if err == nil || !strings.Contains(err.Error(), "fleet unmerged: merge (merge again with tcobench fleet merge unmerged)") ||
		!strings.Contains(err.Error(), "already holds a run (another-run)") || !badinput.Is(err) {
		t.Fatalf("the last shard's failed merge: %v", err)
	}
	if res == nil || res.Run == nil || res.Run.Partial {
		t.Fatalf("the shard's own run: %+v", res)
	}
	out := filepath.Join(dir, "merged")
	for i := range 2 {
		m, err := MergeInto(context.Background(), MergeSpec{Store: dsn, ID: "unmerged", Dir: out})
		if err != nil {
			t.Fatalf("merge %d by hand: %v", i+1, err)
		}
		if atts, err := runrecord.LoadAttempts(out); err != nil || len(atts) != len(m.Attempts) || len(atts) == 0 {
			t.Errorf("merge %d: %d attempts in %s (%v), merged %d", i+1, len(atts), out, err, len(m.Attempts))
		}
	}
}
