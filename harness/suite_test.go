package harness

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/suite"
)

func fakeURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 4}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunSuite: every run of a suite goes through Run into its own
// directory; a failed run is recorded and the suite goes on; suite.json and
// the combined report are written; an interrupted suite stops.
func TestRunSuite(t *testing.T) {
	path := writeFile(t, "two.yaml", "name: two\ndefaults: {count: 2, model: fake, flags: {collectors: none}}\n"+
		"workloads: [draft-email, meeting-summary]\ntargets:\n  - {name: fake, url: '"+fakeURL(t)+"'}\nloads:\n  - concurrency: 1\n  - concurrency: 4\n")
	s, err := LoadSuite(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The fourth run cannot create its requests.jsonl: it fails before writing a run.
	if err := os.MkdirAll(filepath.Join(dir, "04-meeting-summary-fake-c4", runrecord.RequestsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := RunSuite(context.Background(), SuiteSpec{Suite: s, Dir: dir})
	var se *SuiteError
	if !errors.As(err, &se) || len(se.Failed) != 1 || !strings.Contains(err.Error(), "run 04-meeting-summary-fake-c4: ") {
		t.Fatalf("suite error %v", err)
	}
	m := res.Manifest
	if len(m.Outcomes) != 4 || m.Outcomes[3].Error == "" || m.Outcomes[0].Error != "" {
		t.Errorf("outcomes %+v", m.Outcomes)
	}
	if back, err := runrecord.ReadSuiteManifest(dir); err != nil || len(back.Outcomes) != 4 || back.Suite.Name != "two" {
		t.Errorf("suite.json: %+v, %v", back, err)
	}
	b, _ := os.ReadFile(res.Report)
	if !strings.Contains(string(b), "Suite of 3 runs") || !strings.Contains(string(b), "did not finish: ") {
		t.Error("combined report does not hold the 3 finished runs and the failure")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunSuite(ctx, SuiteSpec{Suite: s, Dir: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled suite: %v", err)
	}
}

// TestSuiteAndRunShareOneValidator: a suite accepts every SLO metric and
// arrival mode that a run accepts, and refuses the same bad values with the
// same message.
func TestSuiteAndRunShareOneValidator(t *testing.T) {
	trace := writeFile(t, "t.jsonl", `{"format":"tcobench-trace","version":1,"name":"t","arrival":{"process":"trace"}}`+"\n"+
		`{"at_ns":0,"prompt_tokens":4,"max_tokens":2}`+"\n")
	type load struct{ mode, rate, conc string }
	check := func(l load, slo string) (runErr, suiteErr error) {
		st := Defaults()
		st.Workload, st.Model, st.Requests = trace, "m", 1
		flags := map[string]string{"arrival": l.mode, "rate": l.rate, "concurrency": l.conc}
		for k, v := range flags {
			if v == "" {
				delete(flags, k)
			}
		}
		if slo != "" {
			st.SLOs = []string{slo}
		}
		if runErr = st.Apply(flags); runErr == nil {
			_, runErr = st.Spec()
		}
		y := "name: s\ndefaults: {count: 1, model: m}\nworkloads: ['" + trace + "']\ntargets: [{name: t, url: 'http://127.0.0.1:1'}]\nloads:\n  - name_unused: 0\n"
		for k, v := range map[string]string{"mode": l.mode, "rate": l.rate, "concurrency": l.conc} {
			if v != "" {
				y += "    " + k + ": " + v + "\n"
			}
		}
		if m, d, ok := strings.Cut(slo, "="); ok {
			y += "    slos: {" + m + ": " + d + "}\n"
		}
		y = strings.Replace(y, "  - name_unused: 0\n    ", "  - ", 1)
		_, suiteErr = suite.Parse([]byte(y), "s.yaml", suite.Checks{Flag: checkSetting})
		return runErr, suiteErr
	}
	var good []load
	for _, m := range runrecord.ArrivalModes {
		good = append(good, load{mode: string(m), rate: "2", conc: "2"})
	}
	for _, l := range good {
		for _, m := range runrecord.SLOMetrics {
			if r, s := check(l, m+"=1s"); r != nil || s != nil {
				t.Errorf("%+v %s: run %v, suite %v; want both accepted", l, m, r, s)
			}
		}
	}
	for _, c := range []struct {
		l      load
		slo    string
		reason string
	}{
		{load{mode: "weird"}, "", "want closed, constant, poisson, gamma or trace"},
		{load{rate: "-2"}, "", "must be a finite number, 0 or more"},
		{load{conc: "-1"}, "", "must be a finite number, 0 or more"},
		{load{mode: "gamma"}, "", "gamma arrivals need a rate in tasks per second above 0"},
		{load{conc: "1"}, "latency=1s", `unknown SLO metric "latency"`},
		{load{conc: "1"}, "ttft=0s", "want a positive duration"},
	} {
		r, s := check(c.l, c.slo)
		if r == nil || s == nil || !strings.Contains(r.Error(), c.reason) || !strings.Contains(s.Error(), c.reason) {
			t.Errorf("%+v %s: run %v; suite %v; want both refused with %q", c.l, c.slo, r, s, c.reason)
		}
	}
}

// fakeGPUs applies GPU settings as nvml.Control does, recording them: the
// sweep's GPU seam (no GPU on this machine; nvml's own tests drive the real
// control through a stub NVML library).
type fakeGPUs struct {
	applied []string
	closed  bool
	stopAt  int // cancel the sweep's context when this point starts (0: never)
	cancel  context.CancelFunc
}

func (f *fakeGPUs) Sweep(ctx context.Context, settings []nvml.Setting, point func(context.Context, nvml.Point) error) error {
	for i, s := range settings {
		if err := ctx.Err(); err != nil {
			return err
		}
		f.applied = append(f.applied, s.String())
		if i+1 == f.stopAt {
			f.cancel()
		}
		g := []runrecord.GPUControl{{Index: 0, PowerLimitW: s.PowerLimitW, OriginalPowerLimitW: 700}}
		if err := point(ctx, nvml.Point{Index: i, Setting: s, GPUs: g}); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeGPUs) Close() error { f.closed = true; return nil }

// TestGPUSweep: a sweep of power limits runs the load at each limit in
// order, records the limit in each run and in sweep.json, names the
// setting with the lowest energy per task, closes (restores) the control,
// and stops when interrupted.
func TestGPUSweep(t *testing.T) {
	st := Defaults()
	st.Target, st.Model, st.Requests, st.MaxTokens, st.SLOs = fakeURL(t), "fake", 3, 4, []string{"e2e=5s"}
	st.Telemetry.Collectors = "none"
	dir := t.TempDir()
	st.Out = filepath.Join(dir, "base")
	base, err := st.Spec()
	if err != nil {
		t.Fatal(err)
	}
	limits, _ := nvml.ParsePowerLimits("300W,450W,600W")
	ctl := &fakeGPUs{}
	res, err := Sweep(context.Background(), SweepSpec{Base: base, Dir: dir, MinGoodput: 0.9, MaxErrors: 0.01,
		GPU: &GPUSweep{Settings: nvml.Settings(limits, nil), Control: ctl}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ctl.applied, ",") != "300 W,450 W,600 W" || !ctl.closed {
		t.Fatalf("applied %v, closed %v", ctl.applied, ctl.closed)
	}
	if len(res.Points) != 3 || res.Points[1].GPUSetting != "450 W" || res.Cheapest < 0 {
		t.Fatalf("sweep %+v", res)
	}
	run, err := runrecord.ReadRun(res.Points[2].Dir)
	if err != nil || len(run.GPUControl) != 1 || run.GPUControl[0].PowerLimitW != 600 {
		t.Fatalf("run.json gpu_control %+v: %v", run.GPUControl, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ctl = &fakeGPUs{stopAt: 2, cancel: cancel}
	res, err = Sweep(ctx, SweepSpec{Base: base, Dir: t.TempDir(), MinGoodput: 0.9, MaxErrors: 0.01,
		GPU: &GPUSweep{Settings: nvml.Settings(limits, nil), Control: ctl}})
	if !errors.Is(err, context.Canceled) || len(ctl.applied) != 2 || !ctl.closed {
		t.Fatalf("interrupted sweep: err %v, applied %v, closed %v", err, ctl.applied, ctl.closed)
	}
	if res.Kind != "concurrency" {
		t.Errorf("a closed-loop GPU sweep is of kind %q", res.Kind)
	}
	// An open-loop run's GPU sweep, with no load points, is a rate sweep.
	st.Load.Concurrency, st.Load.Rate, st.Requests = 0, 50, 3
	if base, err = st.Spec(); err != nil {
		t.Fatal(err)
	}
	res, err = Sweep(context.Background(), SweepSpec{Base: base, Dir: t.TempDir(), MinGoodput: 0.9, MaxErrors: 0.01,
		GPU: &GPUSweep{Settings: nvml.Settings(limits[:1], nil), Control: &fakeGPUs{}}})
	if err != nil || res.Kind != "rate" {
		t.Errorf("open-loop GPU sweep: kind %q, err %v", res.Kind, err)
	}
}
