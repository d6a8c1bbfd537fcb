package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/report/rundata/rundatatest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const evil = `<script>alert("x")</script>`

func fixtureRun(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	rundatatest.Write(t, dir, rundatatest.Options{ID: "r1", Name: "nightly " + evil, Model: "m" + evil, Telemetry: true, Cost: rundatatest.SampleCost, Failures: 3})
	return dir
}

func render(t *testing.T, dir, format string) string {
	t.Helper()
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Write(&b, format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLEscapesOutsideText(t *testing.T) {
	out := render(t, fixtureRun(t), "html")
	if strings.Contains(out, "<script") {
		t.Fatal("outside text reached the page unescaped")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the escaped prompt/model text is missing")
	}
	if strings.Contains(out, "<b>busy</b>") {
		t.Error("error text unescaped")
	}
	for _, bad := range []string{"http://", "https://", "src=", "@import", "url("} {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, bad) && !strings.Contains(line, "xmlns=\"http://www.w3.org/2000/svg\"") && !strings.Contains(line, "127.0.0.1") {
				t.Errorf("external reference %q in line %q", bad, line)
			}
		}
	}
}

func TestHTMLHasEveryChart(t *testing.T) {
	out := render(t, fixtureRun(t), "html")
	for _, title := range []string{"TTFT distribution", "End-to-end latency distribution", "Throughput against latency", "GPU power over time",
		"Utilization over time", "Energy per output token", "Cost per task, cheapest first: on-prem, rented and API", "break-even", "Sensitivity: on-prem minus api/large"} {
		if !strings.Contains(out, title) {
			t.Errorf("chart %q missing", title)
		}
	}
	if n := strings.Count(out, "<svg"); n != 9 {
		t.Errorf("%d charts, want 9", n)
	}
}

func TestNotMeasured(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bare")
	rundatatest.Write(t, dir, rundatatest.Options{})
	out := render(t, dir, "html")
	if n := strings.Count(out, "not measured on this run"); n < 6 {
		t.Errorf("%d charts say not measured, want at least 6", n)
	}
}

var numberRE = regexp.MustCompile(`(^|[^A-Za-z0-9.])[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?`)

// mask hides numbers (not those inside names such as p99 or E2E) so the
// golden file checks structure, labels, units and provenance.
func mask(s string) string { return numberRE.ReplaceAllString(s, "${1}#") }

func TestMarkdownGolden(t *testing.T) {
	base := t.TempDir()
	for i, c := range []int{1, 4} {
		rundatatest.Write(t, filepath.Join(base, []string{"01-c1", "02-c4"}[i]), rundatatest.Options{ID: "ticket-c" + string(rune('0'+c)), Concurrency: c, Seed: uint64(c), Telemetry: c == 4, Cost: rundatatest.SampleCost, Model: "m|" + evil})
	}
	got := mask(strings.ReplaceAll(render(t, base, "md"), base, "SUITE"))
	golden := filepath.Join("testdata", "suite.md.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("markdown differs from %s (run with -update to accept):\n%s", golden, got)
	}
	if strings.Contains(got, "<script") {
		t.Error("markdown holds raw HTML from outside text")
	}
}

func TestSuiteAndJSON(t *testing.T) {
	base := t.TempDir()
	for i, c := range []int{1, 2, 4} {
		rundatatest.Write(t, filepath.Join(base, "run"+string(rune('a'+i))), rundatatest.Options{ID: "p" + string(rune('0'+c)), Concurrency: c, Seed: uint64(c), Slowdown: float64(c)})
	}
	html := render(t, base, "html")
	if !strings.Contains(html, "Suite overview") || strings.Contains(html, "no workload ran at two or more load points") {
		t.Error("suite report lacks its overview or sweep chart")
	}
	js := render(t, base, "json")
	var r Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Runs) != 3 || len(r.Sweeps) != 1 || len(r.Sweeps[0].Points) != 3 {
		t.Errorf("json report: %d runs, sweeps %+v", len(r.Runs), r.Sweeps)
	}
	// The JSON leads with the answers, one per run, as the other reports do.
	var lead struct{ Answers []Answer }
	if err := json.Unmarshal([]byte(js), &lead); err != nil || len(lead.Answers) != 3 || lead.Answers[0].Measured == "" ||
		!strings.HasPrefix(strings.TrimSpace(js), "{\n  \"answers\"") {
		t.Errorf("json answers %+v (%v); want three, first in the document", lead.Answers, err)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "neither a run directory") {
		t.Errorf("empty dir: %v", err)
	}
	if err := (&Report{}).Write(&bytes.Buffer{}, "pdf"); err == nil {
		t.Error("unknown format accepted")
	}
}

// TestCostShowsPriceAgeAndStaleFlag: the Markdown and HTML reports say each
// price's date and age, flag a price older than the threshold, lead the
// cost section with the answer and set owned, rented and API side by side.
func TestCostShowsPriceAgeAndStaleFlag(t *testing.T) {
	dir := fixtureRun(t)
	mdOut, htmlOut := render(t, dir, "md"), render(t, dir, "html")
	for _, want := range []string{"2025-09-01 (123 days old) STALE", "2026-01-01 (1 day old)", "**Stale prices**: 1 of the prices used are older than 90 days",
		"checked 2025-09-01, 123 days ago, STALE: re-check it", "| rented rent/on\\_demand |", "52 months (configured), beyond the hardware's 4-year life", "84,000 tasks/day (84% of one node)", "owning repays capex in 20 months"} {
		if !strings.Contains(mdOut, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	for _, want := range []string{`<td class="stale">2025-09-01 (123 days old) STALE</td>`, "<strong>Stale prices</strong>: 1 of the prices used are older than 90 days",
		"Owned, rented and API side by side", "<td>rented rent/on_demand</td>", "owned 8xh100-sxm vs rented rent/on_demand",
		"checked 2025-09-01, 123 days ago, STALE: re-check it", "52 months (configured), beyond the hardware&#39;s 4-year life", "7.5 months (configured), within the hardware&#39;s 4-year life"} {
		if !strings.Contains(htmlOut, want) {
			t.Errorf("html lacks %q", want)
		}
	}
}

// A suite or sweep directory whose sweep.json or suite.json does not parse
// is refused, the file named, not reported without its verdicts.
func TestCorruptManifestRefused(t *testing.T) {
	for _, name := range []string{"sweep.json", "suite.json"} {
		base := t.TempDir()
		rundatatest.Write(t, filepath.Join(base, "01-c1"), rundatatest.Options{ID: "a"})
		if err := os.WriteFile(filepath.Join(base, name), []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(base); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s corrupt: %v; want an error naming it", name, err)
		}
	}
}
