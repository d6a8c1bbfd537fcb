package compare

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/report/rundata/rundatatest"
)

func write(t *testing.T, name string, o rundatatest.Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	rundatatest.Write(t, dir, o)
	return dir
}

func TestCompare(t *testing.T) {
	base := write(t, "base", rundatatest.Options{Seed: 1, Requests: 600, Telemetry: true, Cost: rundatatest.SampleCost})
	tests := []struct {
		name      string
		cand      string
		wantExit  int
		wantRegr  string
		unusable  bool
		wantNoChg bool
	}{
		{name: "self", cand: base, wantExit: 0, wantNoChg: true},
		{name: "noise", cand: write(t, "noise", rundatatest.Options{Requests: 600, Seed: 2, Telemetry: true, Cost: rundatatest.SampleCost}), wantExit: 0},
		{name: "slowed server", cand: write(t, "slow", rundatatest.Options{Requests: 600, Seed: 3, Slowdown: 1.3, Telemetry: true, Cost: rundatatest.SampleCost}), wantExit: 1, wantRegr: "ttft_p99"},
		{name: "faster", cand: write(t, "fast", rundatatest.Options{Requests: 600, Seed: 4, Slowdown: 0.7, Telemetry: true, Cost: rundatatest.SampleCost}), wantExit: 0},
		{name: "other workload", cand: write(t, "other", rundatatest.Options{Seed: 1, Workload: "email-draft", Telemetry: true}), unusable: true},
		{name: "energy missing", cand: write(t, "noenergy", rundatatest.Options{Seed: 1, Cost: rundatatest.SampleCost}), unusable: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Dirs(base, tc.cand, DefaultConfig())
			if tc.unusable {
				if !IsUnusable(err) {
					t.Fatalf("want unusable, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var txt bytes.Buffer
			_ = r.Text(&txt)
			if got := r.ExitCode(); got != tc.wantExit {
				t.Fatalf("exit %d, want %d\n%s", got, tc.wantExit, txt.String())
			}
			if tc.wantRegr != "" && !strings.Contains(strings.Join(r.Regressions, ","), tc.wantRegr) {
				t.Errorf("regressions %v lack %s", r.Regressions, tc.wantRegr)
			}
			if tc.wantNoChg {
				for _, row := range r.Rows {
					if row.Verdict != VerdictNoChange || row.ChangePct != 0 {
						t.Errorf("%s: %s %v%%", row.Name, row.Verdict, row.ChangePct)
					}
				}
			}
		})
	}
}

func TestOutputs(t *testing.T) {
	base := write(t, "base", rundatatest.Options{Seed: 1})
	cand := write(t, "cand", rundatatest.Options{Seed: 3, Slowdown: 1.5, Model: "m|<x>"})
	r, err := Dirs(base, cand, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var md, ju bytes.Buffer
	if err := r.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "REGRESSION") || strings.Contains(md.String(), "<x>") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if err := r.JUnit(&ju); err != nil {
		t.Fatal(err)
	}
	var parsed junitSuites
	if err := xml.Unmarshal(ju.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.Suites[0].Failures == 0 {
		t.Errorf("junit has no failure:\n%s", ju.String())
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("confidence: 0.9\nthresholds:\n  ttft_p99: 20\n  ttft_p50: null\n"), 0o644)
	cfg, err := LoadConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Thresholds["ttft_p99"] != 20 || cfg.Confidence != 0.9 {
		t.Errorf("got %+v", cfg)
	}
	if _, ok := cfg.Thresholds["ttft_p50"]; ok {
		t.Error("null did not remove the gate")
	}
	for name, body := range map[string]string{
		"unknownkey": "thresold: {}\n",
		"unknownfig": "thresholds:\n  ttft_p98: 3\n",
		"negative":   "thresholds:\n  ttft_p99: -3\n",
	} {
		p := filepath.Join(dir, name+".yaml")
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := LoadConfig(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v should name the file", name, err)
		}
	}
}

// TestRateIntervalsStayPossible: a rate that falls steeply gets an interval
// of its change that stays above −100 % (it is bootstrapped as a ratio).
func TestRateIntervalsStayPossible(t *testing.T) {
	base := write(t, "base", rundatatest.Options{Seed: 1, Requests: 400})
	slow := write(t, "slow", rundatatest.Options{Seed: 2, Requests: 400, Slowdown: 4})
	r, err := Dirs(base, slow, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range r.Rows {
		if row.Name != "output_tok_s" && row.Name != "requests_s" {
			continue
		}
		if !row.HasCI || row.CILow <= -row.Baseline || row.CIHigh < row.CILow {
			t.Errorf("%s: change %.3g, interval [%.3g, %.3g] of a baseline %.3g: a rate cannot fall by 100 %% or more", row.Name, row.Change, row.CILow, row.CIHigh, row.Baseline)
		}
	}
}
