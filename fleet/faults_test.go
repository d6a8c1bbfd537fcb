package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

func TestParseShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		in   string
		env  func(string) string
		want string // "i/N from" or "error: text"
	}{
		{"2/3", env(), "2/3 shard"},
		{"0/1", env(), "0/1 shard"},
		{"auto/4", env("JOB_COMPLETION_INDEX", "3"), "3/4 JOB_COMPLETION_INDEX"},
		{"auto/2", env("SLURM_PROCID", "1", "SLURM_NTASKS", "8"), "1/2 SLURM_PROCID"},
		{"", env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "3", "SLURM_ARRAY_TASK_MIN", "1"), "2/3 SLURM_ARRAY_TASK_ID"},
		{"", env("SLURM_PROCID", "1", "SLURM_NTASKS", "2"), "1/2 SLURM_PROCID"},
		{"3/3", env(), "error: shard \"3/3\": the index must be 0 to 2 (from shard)"},
		{"-1/3", env(), "error: the index must be 0 to 2"},
		{"auto/3", env("JOB_COMPLETION_INDEX", "5"), "error: shard \"5/3\": the index must be 0 to 2 (from JOB_COMPLETION_INDEX)"},
		{"x/3", env(), "error: the index i must be a whole number"},
		{"1/0", env(), "error: the count N must be a whole number, 1 or more"},
		{"1", env(), "error: want i/N"},
		{"", env("JOB_COMPLETION_INDEX", "1"), "error: JOB_COMPLETION_INDEX gives the index but not the count: give shard auto/N"},
		{"", env(), "error: no shard given and none from a scheduler"},
		{"auto/3", env("SLURM_ARRAY_TASK_ID", "one"), "error: SLURM_ARRAY_TASK_ID=\"one\": not a shard index"},
	} {
		sh, err := ParseShard(c.in, c.env)
		if want, bad := strings.CutPrefix(c.want, "error: "); bad {
			if err == nil || !badinput.Is(err) || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %v, want a bad-input error saying %s", c.in, err, want)
			}
		} else if got := sh.String() + " " + sh.From; err != nil || got != c.want {
			t.Errorf("%q: %s (%v), want %s", c.in, got, err, c.want)
		}
	}
}

// A second shard with a taken index is refused and sends nothing; the
// fleet, waiting no longer for its other shard, starts with shard 0 alone,
// and the merged result is partial, naming the shard that never joined.
func TestTakenIndexAndMissingShard(t *testing.T) {
	url, srv := fake(t)
	dir := t.TempDir()
	dsn := filepath.Join(dir, "results.db")
	spec := func(i int) Spec {
		s := shardSpec(url, dir, dsn, "dup", 0, 2)
		s.Settings.Split, s.Settings.Wait = runrecord.FleetSplitNode, 1500*time.Millisecond
		s.Run.Load.OutDir = filepath.Join(dir, fmt.Sprintf("p%d", i))
		s.Run.Load.Limits.Count = 10
		return s
	}
	first := make(chan error, 1)
	go func() { _, err := Run(context.Background(), spec(0)); first <- err }()
	waitJoined(t, dsn, "dup", 1)
	_, err := Run(context.Background(), spec(1))
	if !errors.Is(err, store.ErrShardTaken) || !badinput.Is(err) || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("second shard 0: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "p1", runrecord.RequestsFile)); !os.IsNotExist(err) {
		t.Errorf("the refused shard wrote a record: %v", err)
	}
	m := merge(t, dsn, "dup", MergeOptions{})
	if !m.Run.Partial || !strings.Contains(m.Run.PartialReason, "shard 1 missing (no shard of this index joined the fleet)") {
		t.Errorf("merged: partial %v, %q", m.Run.Partial, m.Run.PartialReason)
	}
	if got, want := len(srv.Stamps(false)), len(m.Attempts); got != want {
		t.Errorf("the server saw %d requests, the fleet recorded %d: the refused shard sent some", got, want)
	}
}

// A store that cannot be reached fails the shard at once, saying so, and
// nothing is sent.
func TestUnreachableStoreSendsNothing(t *testing.T) {
	url, srv := fake(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	s := shardSpec(url, dir, fmt.Sprintf("postgres://tcobench@127.0.0.1:%d/tcobench?sslmode=disable&connect_timeout=5", port), "gone", 0, 2)
	_, err = Run(context.Background(), s)
	if err == nil || !strings.Contains(err.Error(), "the results store cannot be reached, nothing was sent") || !strings.Contains(err.Error(), "127.0.0.1:"+fmt.Sprint(port)) {
		t.Fatalf("unreachable store: %v", err)
	}
	if n := len(srv.Stamps(false)); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
	if _, err := os.Stat(s.Run.Load.OutDir); !os.IsNotExist(err) {
		t.Errorf("the shard wrote its run directory: %v", err)
	}
}

// A shard killed midway (SIGKILL: it writes nothing more) stops beating;
// the merge counts it lost, keeps the attempts it streamed, and marks the
// result partial, naming it.
func TestKilledShardIsNamed(t *testing.T) {
	bin := tcobenchBinary(t)
	url, _ := fake(t)
	dir := t.TempDir()
	dsn := filepath.Join(dir, "results.db")
	cmd := exec.Command(bin, "run", "--fleet", "killed", "--shard", "2/3", "--fleet-split", "node", "--store", dsn,
		"--target", url, "--model", "fake", "--prompt-tokens", "16", "--max-tokens", "8", "--arrival", "poisson", "--rate", "30",
		"--requests", "45", "--warmup", "100ms", "--seed", "11", "--collectors", "none", "--out", filepath.Join(dir, "shard-2"), "--quiet")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan []error, 1)
	go func() {
		done <- runShards(t, 2, func(i int) Spec {
			s := shardSpec(url, dir, dsn, "killed", i, 3)
			s.Settings.Split = runrecord.FleetSplitNode
			return s
		})
	}()
	waitAttempts(t, dsn, "killed", 2)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	for i, err := range <-done {
		if err != nil {
			t.Fatalf("shard %d: %v\nkilled shard's output:\n%s", i, err, out.String())
		}
	}
	m := merge(t, dsn, "killed", MergeOptions{Lost: time.Millisecond})
	mem := m.Run.Fleet.Members[2]
	if !m.Run.Partial || mem.State != runrecord.ShardLost || !strings.Contains(m.Run.PartialReason, "shard 2 lost (no word from it since") {
		t.Fatalf("merged: partial %v %q; shard 2 %+v", m.Run.Partial, m.Run.PartialReason, mem)
	}
	if mem.Requests == 0 || m.Run.Summary.Requests.Measured != 45+45+mem.Requests {
		t.Errorf("shard 2 streamed %d measured requests; merged %d, want 90 plus those", mem.Requests, m.Run.Summary.Requests.Measured)
	}
	// Still beating shards are not lost: merged at once, shard 2 is running.
	if m := merge(t, dsn, "killed", MergeOptions{Lost: time.Hour}); m.Run.Fleet.Members[2].State != runrecord.ShardRunning {
		t.Errorf("with a long silence allowed, shard 2 is %s", m.Run.Fleet.Members[2].State)
	}
}

func merge(t *testing.T, dsn, id string, opt MergeOptions) *Merged {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := Merge(context.Background(), st, id, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitJoined waits until n shards joined the fleet.
func waitJoined(t *testing.T, dsn, id string, n int) {
	t.Helper()
	poll(t, dsn, func(st *store.Store) bool {
		_, rows, err := st.Fleet(context.Background(), id)
		return err == nil && len(rows) >= n
	})
}

// waitAttempts waits until shard has stored a measured attempt.
func waitAttempts(t *testing.T, dsn, id string, shard int) {
	t.Helper()
	poll(t, dsn, func(st *store.Store) bool {
		n := 0
		_ = st.FleetAttempts(context.Background(), id, shard, func(a *runrecord.Attempt) error {
			if a.Phase == runrecord.PhaseMeasure {
				n++
			}
			return nil
		})
		return n >= 5
	})
}

func poll(t *testing.T, dsn string, ok func(*store.Store) bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if st, err := store.Open(context.Background(), dsn); err == nil {
			done := ok(st)
			st.Close()
			if done {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the fleet in the store")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
