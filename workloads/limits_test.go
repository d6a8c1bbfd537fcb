package workloads

import (
	"strings"
	"testing"
)

// TestLimitsRefused: every size beyond its limit is refused by validation
// (what `tcobench workloads validate` runs) with file:line, the field and
// the limit, before anything is built.
func TestLimitsRefused(t *testing.T) {
	head := "version: 1\nname: x\narrival: {process: closed, users: 1}\ntasks:\n  - name: t\n    steps:\n"
	step := func(body string) string { return head + body }
	cases := []struct{ name, data, want string }{
		{"max_tokens", step("      - max_tokens: 100000000\n        messages: [{role: user, text: hi}]\n"),
			"w.yaml:7: tasks[0].steps[0].max_tokens: want an output limit of at least 1 token, up to the limit of 1000000, got 100000000"},
		{"output_tokens", step("      - max_tokens: 10\n        output_tokens: 1e9\n        messages: [{role: user, text: hi}]\n"),
			"w.yaml:8: tasks[0].steps[0].output_tokens: want 0 to the limit of 1000000 tokens, got 1000000000"},
		{"tokens message", step("      - max_tokens: 10\n        messages: [{role: user, tokens: 2000000}]\n"),
			"w.yaml:8: want a whole number of tokens from 0 to the limit of 1000000"},
		{"tokens dist", step("      - max_tokens: 10\n        messages: [{role: user, tokens: {dist: uniform, min: 1, max: 5000000}}]\n"),
			"w.yaml:8: field max: want a whole number of tokens from 0 to the limit of 1000000"},
		{"delay", step("      - max_tokens: 10\n        delay: 48h\n        messages: [{role: user, text: hi}]\n"),
			"w.yaml:8: want a delay from 0 to the limit of 24h0m0s"},
		{"think time", "version: 1\nname: x\narrival: {process: closed, users: 1, think_time: 100h}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n",
			"w.yaml:3: arrival.think_time: want 0 to the limit of 24h0m0s"},
		{"users", "version: 1\nname: x\narrival: {process: closed, users: 1000000}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n",
			"w.yaml:3: arrival.users: want 1 to the limit of 100000 users"},
		{"rate", "version: 1\nname: x\narrival: {process: poisson, rate_per_s: 1e9}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n",
			"w.yaml:3: arrival.rate_per_s: want a rate above 0 tasks/s for poisson arrivals, up to the limit of 100000"},
		{"pick", "version: 1\nname: x\narrival: {process: closed, users: 1}\ncontent: {kb: {file: kb.jsonl, pick: 5000}}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n",
			"w.yaml:4: content.kb.pick: want 0 to the limit of 1000 records, got 5000"},
		{"weight", "version: 1\nname: x\narrival: {process: closed, users: 1}\ntasks: [{name: t, weight: .nan, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n",
			"w.yaml:4: tasks[0].weight: want 0 to the limit of 1e+09, got NaN"},
		{"carried prompt", step("      - id: a\n        max_tokens: 10\n        messages: [{role: user, tokens: 600000}]\n" +
			"      - carry: all\n        max_tokens: 10\n        messages: [{role: user, tokens: 600000}]\n"),
			"w.yaml:12: tasks[0].steps[1].messages: the step's synthesised prompt (its tokens: messages and the context it carries) can reach 1200010 tokens, above the limit of 1000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode("w.yaml", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v\nwant %q", err, c.want)
			}
		})
	}
}

// TestUncarriedOutputsNotBuilt: a step's synthesised output is built only
// when a later step carries it.
func TestUncarriedOutputsNotBuilt(t *testing.T) {
	f, err := Decode("w.yaml", []byte("version: 1\nname: x\narrival: {process: closed, users: 1}\ntasks:\n  - name: t\n    steps:\n"+
		"      - {id: a, max_tokens: 1000, messages: [{role: user, text: hi}]}\n"+
		"      - {id: b, max_tokens: 1000, carry: [a], messages: [{role: user, text: hi}]}\n"+
		"      - {id: c, max_tokens: 100000, messages: [{role: user, text: hi}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Resolve(f, "w.yaml", nil, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := p.Instance(0)
	if in.Steps[0].RecordedOutput == "" || in.Steps[1].RecordedOutput != "" || in.Steps[2].RecordedOutput != "" {
		t.Fatalf("recorded outputs: %d, %d, %d bytes; want only the carried step's",
			len(in.Steps[0].RecordedOutput), len(in.Steps[1].RecordedOutput), len(in.Steps[2].RecordedOutput))
	}
}
