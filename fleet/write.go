package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
	"github.com/tcobench/tcobench/tco"
)

// Write writes the merged result as a run directory (run.json and
// requests.jsonl), which report, compare and cost read as any run. A
// directory holding another run, or an unfinished run's files, is refused;
// one holding an earlier merge of the same fleet is rewritten: its run
// files (the pricing done on it included) are removed first, as a replaced
// run's are (runrecord.PrepareDir).
func (m *Merged) Write(dir string) error {
	old, err := runrecord.ReadRun(dir)
	if err == nil && (old.Fleet == nil || old.Fleet.ID != m.Run.Fleet.ID || old.Fleet.Shard != nil) {
		return badinput.Errorf("%s already holds a run (%s): choose another directory for fleet %s", dir, old.ID, m.Run.Fleet.ID)
	}
	err = runrecord.PrepareDir(dir, runrecord.DirOptions{Replace: err == nil})
	if inUse := (*runrecord.DirInUseError)(nil); errors.As(err, &inUse) {
		return badinput.Errorf("merged fleet %s: %w", m.Run.Fleet.ID, err)
	}
	if err != nil {
		return fmt.Errorf("merged fleet: %w", err)
	}
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.RequestsFile))
	if err != nil {
		return err
	}
	for i := range m.Attempts {
		if err := w.Write(&m.Attempts[i]); err != nil {
			w.Close()
			return fmt.Errorf("merged fleet: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("merged fleet: %w", err)
	}
	return runrecord.WriteRun(dir, m.Run)
}

// MergeSpec is a merge of a stored fleet into a run directory.
type MergeSpec struct {
	// Store is the results store's DSN; ID the fleet's.
	Store, ID string
	// Dir is the run directory to write ("": runs/fleet-<ID>).
	Dir string
	// Save stores the merged run among the store's runs, where history and
	// compare's last-good see the fleet as one run.
	Save bool
	// Pricing, when set, prices the fleet (see Price).
	Pricing *tco.Request
	Options MergeOptions
	// Log, when set, receives where the merge went and the per-shard table.
	Log io.Writer
}

// MergeInto merges a fleet (see Merge) into a run directory, pricing and
// saving it when asked, and says on Log where it went, with the per-shard table.
func MergeInto(ctx context.Context, ms MergeSpec) (*Merged, error) {
	if ms.Dir == "" {
		ms.Dir = filepath.Join("runs", "fleet-"+ms.ID)
	}
	st, err := store.Open(ctx, ms.Store)
	if err != nil {
		return nil, badinput.Wrap(err)
	}
	defer st.Close()
	return mergeWith(ctx, st, ms)
}

func mergeWith(ctx context.Context, st *store.Store, ms MergeSpec) (*Merged, error) {
	m, err := Merge(ctx, st, ms.ID, ms.Options)
	if err != nil {
		return nil, err
	}
	if err := m.Write(ms.Dir); err != nil {
		return m, err
	}
	if ms.Pricing != nil {
		if _, err := Price(ms.Pricing, ms.Dir, m.Run); err != nil {
			return m, err
		}
		if err := runrecord.WriteRun(ms.Dir, m.Run); err != nil {
			return m, err
		}
	}
	if ms.Save {
		if err := st.SaveRun(ctx, ms.Dir, m.Run); err != nil {
			return m, fmt.Errorf("results store: %w", err)
		}
	}
	if ms.Log != nil {
		fmt.Fprintf(ms.Log, "merged fleet %s into %s\n", ms.ID, ms.Dir)
		return m, WriteShards(ms.Log, m.Run)
	}
	return m, nil
}

// TempMerge merges a fleet into a new temporary directory, for a command
// that reads it once (report, cost, compare); cleanup removes it.
func TempMerge(ctx context.Context, dsn, id string, pricing *tco.Request) (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "tcobench-fleet-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if _, err := MergeInto(ctx, MergeSpec{Store: dsn, ID: id, Dir: dir, Pricing: pricing}); err != nil {
		cleanup()
		return "", nil, err
	}
	return dir, cleanup, nil
}

// mergeIfLast merges the fleet when every shard has finished and this
// shard is the first to see it, into the spec's merged directory, priced
// as the shards were and saved in the store. Its error (reading the fleet,
// claiming, writing or saving the merge) says how to merge again.
func (m *member) mergeIfLast(ctx context.Context, sp *Spec, res *harness.Result) error {
	dir := sp.Merged
	if dir == "" && res != nil {
		dir = filepath.Join(filepath.Dir(filepath.Clean(res.Dir)), "merged")
	}
	if dir == "" {
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("fleet %s: merge (merge again with tcobench fleet merge %s): %w", m.fleet.ID, m.fleet.ID, err)
	}
	_, shards, err := m.st.Fleet(ctx, m.fleet.ID)
	if err != nil {
		return fail(err)
	}
	if len(shards) < m.fleet.Shards {
		return nil
	}
	for _, s := range shards {
		if s.State == runrecord.ShardJoined || s.State == runrecord.ShardRunning {
			return nil
		}
	}
	ok, err := m.st.ClaimMerge(ctx, m.fleet.ID, time.Now())
	if err != nil {
		return fail(err)
	}
	if !ok {
		return nil
	}
	mg, err := mergeWith(ctx, m.st, MergeSpec{ID: m.fleet.ID, Dir: dir, Save: true, Pricing: sp.Run.Pricing})
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(m.log, "fleet %s: all %d shards finished; merged into %s and saved in the results store\n", m.fleet.ID, m.fleet.Shards, dir)
	return WriteShards(m.log, mg.Run)
}

// WriteShards writes a merged run's per-shard table for people.
func WriteShards(w io.Writer, run *runrecord.Run) error {
	f := run.Fleet
	if f == nil {
		return errors.New("not a fleet run")
	}
	s := run.Summary
	state := "complete"
	if run.Partial {
		state = "PARTIAL: " + run.PartialReason
	}
	fmt.Fprintf(w, "fleet %s: %d shards split by %s, started %s; %s\n", f.ID, f.Shards, f.Split, f.StartedAt.UTC().Format(time.RFC3339), state)
	fmt.Fprintf(w, "  merged: %d measured requests (%d ok) from every shard's raw samples, %.1f output tokens/s over the fleet's %.1f s window (measured)\n",
		s.Requests.Measured, s.Requests.OK, s.Throughput.OutputTokensPerS, s.WindowS)
	fmt.Fprintf(w, "  %-5s  %-8s  %-20s  %8s  %8s  %12s  %12s  %s\n", "shard", "state", "host", "requests", "ok", "output tok/s", "TTFT p99 ms", "note")
	for _, m := range f.Members {
		note := m.Error
		if m.Note != "" {
			note = m.Note
		}
		fmt.Fprintf(w, "  %-5d  %-8s  %-20s  %8d  %8d  %12.1f  %12.1f  %s\n", m.Shard, m.State, m.Host, m.Requests, m.OK, m.OutputTokS, m.TTFTP99MS, note)
	}
	return nil
}

// Report merges a fleet in memory and returns its report, titled by the
// fleet (nothing is written or saved).
func Report(ctx context.Context, dsn, id string) (*report.Report, error) {
	dir, cleanup, err := TempMerge(ctx, dsn, id, nil)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	r, err := report.Load(dir)
	if err != nil {
		return nil, err
	}
	r.Title, r.Dir = "fleet "+id, "fleet "+id
	for i := range r.Runs {
		r.Runs[i].Dir = r.Dir
	}
	return r, nil
}

// Cost merges a fleet in memory and prices it (see Price): the merged run
// with its Cost and Fleet.Cost set (nothing is written or saved).
func Cost(ctx context.Context, dsn, id string, req *tco.Request) (*runrecord.Run, error) {
	dir, cleanup, err := TempMerge(ctx, dsn, id, req)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	return runrecord.ReadRun(dir)
}

// MergeArgs replaces each fleet:ID of args (a comparison's baseline and
// candidate) with a temporary directory of that fleet merged from the store
// dsn; cleanup removes them. A fleet merged only for the comparison cannot
// be saved (save): merge it into a directory first.
func MergeArgs(ctx context.Context, dsn string, args []string, save bool) (cleanup func(), err error) {
	var dirs []func()
	cleanup = func() {
		for _, c := range dirs {
			c()
		}
	}
	for i, a := range args {
		id, ok := strings.CutPrefix(a, "fleet:")
		if !ok {
			continue
		}
		if save {
			cleanup()
			return nil, badinput.Errorf("%s with save: merge the fleet into a directory first (tcobench fleet merge %s) and compare that", a, id)
		}
		dir, c, err := TempMerge(ctx, dsn, id, nil)
		if err != nil {
			cleanup()
			return nil, err
		}
		dirs, args[i] = append(dirs, c), dir
	}
	return cleanup, nil
}
