package suite

import (
	"strings"
	"testing"
	"time"
)

func TestExampleSuite(t *testing.T) {
	s, err := LoadFile("../examples/nightly-suite.yaml", Checks{})
	if err != nil {
		t.Fatal(err)
	}
	specs := s.Expand()
	if len(specs) != 2*1*2+1 {
		t.Fatalf("%d runs, want 5", len(specs))
	}
	first, last := specs[0], specs[4]
	if first.Name != "01-tier1-support-ticket-local-c1" || first.Model != "llama3.1:8b" || first.Hardware != "8xh100-sxm" || first.Duration.D().Minutes() != 2 {
		t.Errorf("first spec %+v", first)
	}
	if last.Name != "05-contract-redline-poisson" || last.Duration.D().Minutes() != 5 || last.Load.Rate != 0.5 {
		t.Errorf("last spec %+v", last)
	}
	if first.Workload != "tier1-support-ticket" || first.URL != "http://127.0.0.1:11434" || first.Load.Concurrency != 1 ||
		first.Duration.D() != 2*time.Minute || first.SLOs["e2e"].D() != 30*time.Second || first.Hardware != "8xh100-sxm" {
		t.Errorf("first spec %+v", first)
	}
}

func TestValidation(t *testing.T) {
	base := "name: n\ndefaults: {duration: 1m}\nworkloads: [draft-email]\ntargets:\n  - name: t\n    url: http://127.0.0.1:1\nloads:\n  - concurrency: 2\n"
	cases := map[string]struct{ yaml, want string }{
		"unknown key":    {base + "extra: 1\n", `s.yaml:9: unknown field "extra"`},
		"bad url":        {strings.Replace(base, "http://127.0.0.1:1", "ftp://x", 1), "s.yaml:6: targets[0].url"},
		"bad load":       {strings.Replace(base, "concurrency: 2", "concurrency: -1", 1), "s.yaml:8: loads[0].concurrency: must be a finite number, 0 or more, got -1"},
		"bad duration":   {strings.Replace(base, "1m", "soon", 1), "not a duration"},
		"unknown target": {base + "runs:\n  - workload: draft-email\n    target: nope\n    load: {concurrency: 1}\n", "s.yaml:11: runs[0].target"},
		"bad slo":        {base + "  - concurrency: 3\n    slos: {latency: 1s}\n", "unknown SLO metric"},
		"no duration":    {strings.Replace(base, "defaults: {duration: 1m}\n", "", 1), "neither a duration nor a count"},
		"bad backend":    {base + "  - concurrency: 3\n    backend: grpc\n", "s.yaml:10: loads[1].backend: unknown backend"},
		"no targets":     {"name: n\nworkloads: [draft-email]\nloads: [{concurrency: 1}]\n", "at least one target"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "s.yaml", Checks{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
	if _, err := Parse([]byte(base), "s.yaml", Checks{}); err != nil {
		t.Errorf("valid suite: %v", err)
	}
}
