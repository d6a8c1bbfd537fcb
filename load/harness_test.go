//go:build linux

package load

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tcobench/tcobench/runrecord"
)

// childEnv makes the test binary run TestLowFileLimitStopsTheRun's child
// part: a run under a low RLIMIT_NOFILE against the server it names.
const childEnv = "TCOBENCH_TEST_NOFILE_TARGET"

// TestLowFileLimitStopsTheRun runs the engine in a child process whose
// open-file limit is a few dozen above what it has open, with 200 closed-loop
// users against a server that holds each request: dials beyond the limit
// fail with EMFILE, are classed harness (not the server's errors), and the
// run stops early with a reason naming the limit; every attempt is recorded.
func TestLowFileLimitStopsTheRun(t *testing.T) {
	if target := os.Getenv(childEnv); target != "" {
		lowLimitChild(t, target)
		return
	}
	srv := startFake(t, fakeServer{f: faultSlowServer, service: 200 * time.Millisecond, tokens: 2})
	cmd := exec.Command(os.Args[0], "-test.run=^TestLowFileLimitStopsTheRun$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+srv.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ulimit -n") {
		t.Fatalf("child output does not name the limit:\n%s", out)
	}
	t.Logf("child:\n%s", out)
}

func lowLimitChild(t *testing.T, target string) {
	open, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd to count open files")
	}
	var orig unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	limit := uint64(len(open) + 40)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: limit, Max: orig.Max}); err != nil {
		t.Fatal(err)
	}
	// The test's own clean-up (after this function) needs files again.
	defer func() { _ = unix.Setrlimit(unix.RLIMIT_NOFILE, &orig) }()
	if w := FileLimitWarning(200); !strings.Contains(w, fmt.Sprintf("is %d", limit)) {
		t.Fatalf("no warning before the load: %q", w)
	}
	cfg := testConfig(t, target, 0)
	cfg.Schedule, cfg.Limits.Count, cfg.Limits.Duration = Closed{Users: 200}, 0, time.Minute
	cfg.Limits.RequestTimeout = 10 * time.Second
	start := time.Now()
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	harness := 0
	for _, a := range atts {
		if a.ErrorClass == runrecord.ErrHarness {
			harness++
			if !strings.Contains(a.Error, "ulimit -n") || !strings.Contains(a.Error, "too many open files") {
				t.Fatalf("harness attempt's error does not say what limit to raise: %q", a.Error)
			}
		}
	}
	if harness < MaxHarnessErrors || len(atts) != run.Summary.Requests.Scheduled {
		t.Fatalf("%d harness attempts of %d recorded (summary: %d scheduled, errors %v)", harness, len(atts), run.Summary.Requests.Scheduled, run.Summary.ErrorsByClass)
	}
	if !run.Partial || !strings.Contains(run.PartialReason, "ulimit -n") || time.Since(start) > 30*time.Second {
		t.Fatalf("partial %v after %s: %q", run.Partial, time.Since(start), run.PartialReason)
	}
	fmt.Println("stopped:", run.PartialReason)
}

func TestFileLimitWarning(t *testing.T) {
	for _, c := range []struct {
		limit uint64
		conc  int
		want  string
	}{
		{1024, 2000, "is 1024, below the 2064 that 2000 requests in flight need"},
		{1024, 960, ""},
		{1 << 20, 10000, ""},
	} {
		if got := fileLimitWarning(c.limit, c.conc); c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("limit %d, concurrency %d: %q; want %q", c.limit, c.conc, got, c.want)
		}
	}
}
