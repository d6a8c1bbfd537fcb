package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeGood(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tasks) != 2 || f.Tasks[0].Steps[1].Delay.Kind != DistUniform || !f.Tasks[0].Steps[1].Carry.All {
		t.Fatalf("decoded %+v", f)
	}
}

// TestDecodeBad: every problem of a file is reported at once, each with
// file, line and field.
func TestDecodeBad(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "bad.yaml"))
	var pe *ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v; want a ProblemsError", err)
	}
	want := []string{
		"testdata/bad.yaml:8: unknown field \"colour\"",
		"testdata/bad.yaml:18: field dist: unknown kind \"gaussian\"",
		"testdata/bad.yaml:1: version: want version: 1, got 2",
		"testdata/bad.yaml:3: replay: want \"recorded\" or \"live\", got \"sometimes\"",
		"testdata/bad.yaml:5: arrival.rate_per_s: want a rate above 0",
		"testdata/bad.yaml:11: tasks[0].steps[0].max_tokens: want an output limit",
		"testdata/bad.yaml:13: tasks[0].steps[0].messages[0].role: want system, user, assistant or tool, got \"wizard\"",
		"testdata/bad.yaml:14: tasks[0].steps[0].messages[1]: want exactly one of text, template or tokens",
		"testdata/bad.yaml:15: tasks[0].steps[1].id: duplicate step id \"a\"",
		"testdata/bad.yaml:16: tasks[0].steps[1].depends_on[0]: unknown or later step \"z\"",
		"testdata/bad.yaml:17: tasks[0].steps[1].carry[0]: unknown or later step \"later\"",
		"testdata/bad.yaml:21: tasks[0].steps[1].messages[0].template: template: message:1: unclosed action",
		"testdata/bad.yaml:21: tasks[0].steps[1].messages[0].template: a template needs content files",
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing problem %q", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", got)
	}
}

func TestDecodeEdgeCases(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"empty", "", "empty workload file"},
		{"syntax", "version: 1\nname: [x\n", "bad.yaml:"},
		{"not a mapping", "- 1\n- 2\n", "cannot unmarshal"},
		{"no tasks", "version: 1\nname: x\narrival: {process: closed, users: 1}\n", "tasks: want at least one task"},
		{"dist missing keys", "version: 1\nname: x\narrival: {process: closed, users: 1}\ntasks: [{name: t, steps: [{max_tokens: 1, delay: {dist: lognormal, median: 1s}, messages: [{role: user, text: hi}]}]}]\n", "dist lognormal needs field sigma"},
		{"bad duration", "version: 1\nname: x\narrival: {process: closed, users: 1, think_time: soon}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n", "want a duration"},
		{"negative tokens", "version: 1\nname: x\narrival: {process: closed, users: 1}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, tokens: -4}]}]}]\n", "want a whole number of tokens"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode("bad.yaml", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v; want %q", err, c.want)
			}
		})
	}
}

func TestResolveFile(t *testing.T) {
	path := filepath.Join("testdata", "good.yaml")
	p, err := Open(path, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Len != -1 || p.Arrival.Process != runrecord.ArrivalClosed || p.Arrival.Users != 2 || p.Arrival.ThinkTimeNS != 1e9 || p.Arrival.Seed != 7 || p.PromptLengths != "estimated" {
		t.Fatalf("plan %+v", p)
	}
	counts := map[string]int{}
	for i := 0; i < 400; i++ {
		in, ok := p.Instance(i)
		if !ok {
			t.Fatal("instance missing")
		}
		counts[in.Name]++
		if in.Name == "other" && (!in.HasRecordedCost || in.RecordedCostUSD != 0.02 || !*in.RecordedSuccess || in.Steps[0].RecordedOutput != "fine") {
			t.Fatalf("other: %+v", in)
		}
		if in.Name != "ask" {
			continue
		}
		s0, s1 := in.Steps[0], in.Steps[1]
		if !strings.HasPrefix(s0.Messages[1].Content, "Summarise alpha: the first") && !strings.HasPrefix(s0.Messages[1].Content, "Summarise beta: the second") {
			t.Fatalf("template: %q", s0.Messages[1].Content)
		}
		if s1.DelayNS < 100e6 || s1.DelayNS > 200e6 || s1.PromptTokens < 40 || s1.PromptTokens > 60 || !s1.CarryAll || s1.DependsOn[0] != "a" {
			t.Fatalf("step b: %+v", s1)
		}
		if n := float64(len(s1.Messages[0].Content)); n < 39/EstimatedTokensPerChar || n > 61/EstimatedTokensPerChar {
			t.Fatalf("synthesised %.0f chars for %d tokens", n, s1.PromptTokens)
		}
	}
	if counts["ask"] < 250 || counts["other"] < 60 {
		t.Errorf("weights 3:1 gave %v", counts)
	}
	// Deterministic for a seed, different for another seed.
	q, _ := Open(path, ResolveOptions{})
	seed := uint64(99)
	r, _ := Open(path, ResolveOptions{Seed: &seed, Replay: ReplayLive})
	same, diff := 0, 0
	for i := 0; i < 50; i++ {
		a, _ := p.Instance(i)
		b, _ := q.Instance(i)
		c, _ := r.Instance(i)
		if !equalInstance(a, b) {
			t.Fatalf("instance %d differs between two resolutions with the same seed", i)
		}
		if equalInstance(a, c) {
			same++
		} else {
			diff++
		}
	}
	if diff == 0 || r.ReplayMode != ReplayLive {
		t.Errorf("seed 99 gave the same instances; replay %s", r.ReplayMode)
	}
}

func equalInstance(a, b Instance) bool {
	if a.ID != b.ID || len(a.Steps) != len(b.Steps) {
		return false
	}
	for i := range a.Steps {
		x, y := a.Steps[i], b.Steps[i]
		if x.DelayNS != y.DelayNS || x.RecordedOutput != y.RecordedOutput || len(x.Messages) != len(y.Messages) {
			return false
		}
		for k := range x.Messages {
			if x.Messages[k] != y.Messages[k] {
				return false
			}
		}
	}
	return true
}

func TestTraceRef(t *testing.T) {
	dir := t.TempDir()
	tr := &Trace{Header: TraceHeader{Name: "x", Arrival: TraceArrival{Process: runrecord.ArrivalTrace}},
		Calls: []Call{{AtNS: 0, Task: "a", PromptTokens: 20, CompletionTokens: 3}, {AtNS: 5, Task: "a", PromptTokens: 30, CompletionTokens: 4}}}
	var b strings.Builder
	if err := WriteTrace(&b, tr); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "w.yaml"), []byte("version: 1\nname: wrapped\nseed: 3\nreplay: live\narrival: {process: trace, trace: t.jsonl}\n"), 0o644)
	p, err := Open(filepath.Join(dir, "w.yaml"), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := p.Instance(0)
	if p.Name != "wrapped" || p.Len != 1 || p.ReplayMode != ReplayLive || len(in.Steps) != 2 || in.Steps[1].MaxTokens != 4 {
		t.Fatalf("plan %+v instance %+v", p, in)
	}
}

func TestContentFieldsMustMatch(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "c.jsonl"), []byte("{\"a\":\"x\"}\n{\"b\":\"y\"}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "w.yaml"), []byte("version: 1\nname: w\narrival: {process: closed, users: 1}\ncontent: {c: {file: c.jsonl}}\n"+
		"tasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, template: \"{{.c.a}}\"}]}]}]\n"), 0o644)
	if _, err := Open(filepath.Join(dir, "w.yaml"), ResolveOptions{}); err == nil || !strings.Contains(err.Error(), `c.jsonl:2: record has fields ["b"]`) {
		t.Fatalf("got %v", err)
	}
}
