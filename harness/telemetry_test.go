package harness

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// collSettings returns the telemetry settings args state.
func collSettings(t *testing.T, args ...string) TelemetrySettings {
	t.Helper()
	ts := Defaults().Telemetry
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	ts.Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return ts
}

// collHooks builds the telemetry of settings ts for target, as Run does.
func collHooks(ctx context.Context, ts TelemetrySettings, target string, log io.Writer) (load.Hooks, func(), error) {
	spec, err := ts.Spec()
	if err != nil {
		return load.Hooks{}, func() {}, err
	}
	tel, err := newTelemetry(ctx, spec, target, log)
	if err != nil {
		return load.Hooks{}, func() {}, err
	}
	return tel.hooks(), tel.close, nil
}

func collNoGPU(t *testing.T) {
	t.Helper()
	if _, err := nvml.Probe(); !errors.Is(err, nvml.ErrUnavailable) {
		t.Skip("this machine has a usable NVIDIA driver: the no-GPU path cannot be checked here")
	}
}

// TestCollectorHooksAgainstOllama drives the hooks as load.Run does,
// against the real local Ollama: host readings of the server process, no
// server /metrics, and GPU energy plainly "not measured" on this machine.
func TestCollectorHooksAgainstOllama(t *testing.T) {
	collNoGPU(t)
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	ts := collSettings(t, "--sample-interval", "100ms", "--metrics-addr", "127.0.0.1:0")
	errOut := new(bytes.Buffer)
	ctx := context.Background()
	hooks, cleanup, err := collHooks(ctx, ts, srv.URL(), errOut)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if got := errOut.String(); !strings.Contains(got, "note: no NVIDIA driver: NVML library not found; GPU energy will not be measured (run.json says so)\n") {
		t.Errorf("stderr %q lacks the one-line GPU notice", got)
	}
	m := regexp.MustCompile(`live metrics on (http://\S+/metrics)`).FindStringSubmatch(errOut.String())
	if m == nil {
		t.Fatalf("no live metrics address in %q", errOut.String())
	}
	if err := hooks.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := hooks.Start(ctx, start); err != nil {
		t.Fatal(err)
	}
	hooks.Observe(&runrecord.Attempt{TaskID: "t1", Phase: runrecord.PhaseMeasure, SentNS: 1e6, FirstTokenNS: 5e7, EndNS: 2e8, OK: true, Tokens: runrecord.Tokens{Output: 8}})
	wants := []string{`tcobench_requests_total{outcome="ok",phase="measure"} 1`, "tcobench_host_proc_rss_bytes{"}
	if body := collPoll(t, m[1], wants); body != "" {
		t.Errorf("live /metrics lacks one of %q:\n%s", wants, body)
	}
	time.Sleep(300 * time.Millisecond) // a few more host readings

	dir := t.TempDir()
	run := &runrecord.Run{ID: "r1", StartedAt: start, Window: runrecord.Window{StartNS: 0, EndNS: 3e8}}
	if err := hooks.Finish(ctx, dir, run); err != nil {
		t.Fatal(err)
	}
	e := run.Energy
	if e == nil || e.Measured || e.Reason != "GPU energy not measured: no NVIDIA driver: NVML library not found" {
		t.Fatalf("energy %+v", e)
	}
	if !strings.Contains(strings.Join(run.Warnings, "\n"), "energy: GPU energy not measured: no NVIDIA driver") {
		t.Errorf("warnings %q", run.Warnings)
	}
	health := map[string]runrecord.CollectorHealth{}
	for _, h := range run.Collectors {
		health[h.Name] = h
	}
	if h := health["nvml"]; h.OK || h.Message != "no NVIDIA driver: NVML library not found" {
		t.Errorf("nvml health %+v", h)
	}
	if h := health["host"]; !h.OK || h.Samples == 0 {
		t.Errorf("host health %+v", h)
	}
	if h := health["server"]; h.OK || !strings.Contains(h.Message, "publishes no Prometheus metrics") {
		t.Errorf("server health %+v", h)
	}
	f, err := os.Open(filepath.Join(dir, runrecord.TelemetryFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rss := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"metric":"proc_rss_bytes"`) && strings.Contains(sc.Text(), `"process":"ollama"`) {
			rss++
		}
	}
	if rss < 2 {
		t.Errorf("telemetry.jsonl has %d RSS readings of the ollama process, want several", rss)
	}
}

// TestCollectorHooksInBenchRun runs load.Run with the hooks against the
// real local Ollama and checks what lands in the run directory.
func TestCollectorHooksInBenchRun(t *testing.T) {
	collNoGPU(t)
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	ts := collSettings(t, "--sample-interval", "100ms", "--collectors", "nvml,host")
	ctx := context.Background()
	hooks, cleanup, err := collHooks(ctx, ts, srv.URL(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	dir := filepath.Join(t.TempDir(), "run")
	_, err = load.Run(ctx, load.Config{OutDir: dir, Target: modelapi.Target{URL: srv.URL(), API: modelapi.KindOllama, Model: srv.Model()},
		Plan: load.SimplePlan(16, 8), Schedule: load.Closed{Users: 2},
		Limits: load.Limits{Count: 4, RequestTimeout: 30 * time.Second}, Version: "test", Hooks: []load.Hooks{hooks}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Energy == nil || run.Energy.Measured || !strings.Contains(run.Energy.Reason, "no NVIDIA driver") {
		t.Errorf("energy %+v", run.Energy)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, runrecord.RunFile))
	if !strings.Contains(string(raw), `"measured": false`) || strings.Contains(string(raw), `"gpu_energy_j"`) {
		t.Errorf("run.json does not say plainly that GPU energy was not measured")
	}
	var hostOK bool
	for _, h := range run.Collectors {
		hostOK = hostOK || (h.Name == "host" && h.OK && h.Samples > 0)
	}
	if !hostOK {
		t.Errorf("collectors %+v", run.Collectors)
	}
	if _, err := os.Stat(filepath.Join(dir, runrecord.TelemetryFile)); err != nil {
		t.Error(err)
	}
}

// collPoll fetches url until its body holds every want (up to 20 s on a
// busy machine); it returns "" on success, else the last body.
func collPoll(t *testing.T, url string, wants []string) string {
	t.Helper()
	var body string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b := new(bytes.Buffer)
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		body = b.String()
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(body, w)
		}
		if ok {
			return ""
		}
	}
	return body
}

func TestCollectorHooksRequireGPU(t *testing.T) {
	collNoGPU(t)
	ts := collSettings(t, "--require-gpu", "--collectors", "nvml")
	_, cleanup, err := collHooks(context.Background(), ts, "http://127.0.0.1:1", io.Discard)
	defer cleanup()
	var ge *GPURequiredError
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), "no NVIDIA driver: NVML library not found (require-gpu)") || badinput.Is(err) {
		t.Fatalf("err = %v: want a GPU-required failure (exit 1), not bad input", err)
	}
}

func TestCollectorFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--collectors", "nvml,gpu"}, `unknown collector "gpu"`},
		{[]string{"--collectors", "server", "--server-kind", "ollama"}, `server-kind "ollama"`},
		{[]string{"--collectors", "server", "--server-series", "oops"}, "want standard=metric"},
		{[]string{"--collectors", "none", "--pue", "0.8"}, "a PUE is at least 1"},
		{[]string{"--collectors", "none", "--prometheus-url", "localhost:9090"}, "want http(s)://host:port"},
		{[]string{"--collectors", "none", "--metrics-addr", "nope"}, "want [host]:port"},
	}
	for _, tc := range tests {
		_, cleanup, err := collHooks(context.Background(), collSettings(t, tc.args...), "http://127.0.0.1:1", io.Discard)
		cleanup()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !badinput.Is(err) {
			t.Errorf("%v: err = %v, want bad input %q", tc.args, err, tc.want)
		}
	}
}
