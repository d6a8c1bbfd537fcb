package compare

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
)

// Markdown writes the comparison as a Markdown table (for pull requests and chat).
func (r *Result) Markdown(w io.Writer) error {
	var b strings.Builder
	status := "no regression"
	if len(r.Regressions) > 0 {
		status = "**REGRESSION**: " + strings.Join(r.Regressions, ", ")
	}
	fmt.Fprintf(&b, "## tcobench compare: %s\n\n", status)
	fmt.Fprintf(&b, "Workload `%s`. Baseline `%s` (%s), candidate `%s` (%s).\n\n", mdCode(r.Workload), mdCode(r.BaselineID), mdCode(r.BaselineDir), mdCode(r.CandidateID), mdCode(r.CandidateDir))
	b.WriteString("| Figure | Baseline | Candidate | Change | Interval of change | Gate | Verdict |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", mdCell(row.Label), num(row.Baseline, row.Unit), num(row.Candidate, row.Unit),
			pct(row.ChangePct), ci(row), gate(row), verdict(row))
	}
	b.WriteString("\nAll figures measured on these runs except cost (derived from measured figures and configured prices). ")
	fmt.Fprintf(&b, "Intervals: bootstrap, %.0f%% confidence, %d resamples, seed %d.\n", 100*r.Config.Confidence, r.Config.Resamples, r.Config.Seed)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n- Note: %s", mdCell(n))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Text writes a plain-text summary for a terminal.
func (r *Result) Text(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "workload %s: baseline %s (%s), candidate %s (%s)\n", r.Workload, r.BaselineID, r.BaselineDir, r.CandidateID, r.CandidateDir)
	fmt.Fprintf(&b, "%-34s %14s %14s %9s %22s %8s  %s\n", "figure", "baseline", "candidate", "change", "interval of change", "gate", "verdict")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%-34s %14s %14s %9s %22s %8s  %s\n", row.Label+" ("+row.Unit+")", short(row.Baseline), short(row.Candidate), pct(row.ChangePct), ci(row), gate(row), row.Verdict)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if len(r.Regressions) > 0 {
		fmt.Fprintf(&b, "REGRESSION: %s\n", strings.Join(r.Regressions, ", "))
	} else {
		b.WriteString("no regression\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type junitSuites struct {
	XMLName xml.Name   `xml:"testsuites"`
	Suites  []junitSet `xml:"testsuite"`
}

type junitSet struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// JUnit writes the comparison as JUnit XML: one test case per figure, a
// failure for each regression.
func (r *Result) JUnit(w io.Writer) error {
	return writeJUnit(w, r.junitSet())
}

func (r *Result) junitSet() junitSet {
	set := junitSet{Name: "tcobench compare " + r.Workload + " " + r.CandidateID}
	for _, row := range r.Rows {
		c := junitCase{Name: row.Name, Classname: "tcobench.compare." + r.Workload, SystemOut: rowLine(row)}
		if row.Verdict == VerdictRegression {
			c.Failure = &junitMessage{Message: row.Label + " regressed " + pct(row.ChangePct) + " (gate " + gate(row) + ")", Type: "regression", Body: rowLine(row)}
			set.Failures++
		}
		set.Cases = append(set.Cases, c)
	}
	set.Tests = len(set.Cases)
	return set
}

// Unusable is a candidate that could not be compared, and why.
type Unusable struct{ Name, Reason string }

// JUnitAll writes several comparisons (a suite) as one JUnit document; each
// unusable comparison is a test case in error.
func JUnitAll(w io.Writer, rs []*Result, bad []Unusable) error {
	var sets []junitSet
	for _, r := range rs {
		sets = append(sets, r.junitSet())
	}
	for _, u := range bad {
		sets = append(sets, junitSet{Name: "tcobench compare " + u.Name, Tests: 1, Errors: 1,
			Cases: []junitCase{{Name: "inputs", Classname: "tcobench.compare", Error: &junitMessage{Message: u.Reason, Type: "unusable"}}}})
	}
	return writeJUnit(w, sets...)
}

// UnusableJUnit writes a JUnit report holding one error: the reason the runs
// could not be compared.
func UnusableJUnit(w io.Writer, reason string) error {
	return JUnitAll(w, nil, []Unusable{{Name: "inputs", Reason: reason}})
}

func writeJUnit(w io.Writer, sets ...junitSet) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: sets}); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func rowLine(row Row) string {
	return fmt.Sprintf("%s: baseline %s, candidate %s, change %s, interval %s, gate %s, verdict %s; %s",
		row.Label, num(row.Baseline, row.Unit), num(row.Candidate, row.Unit), pct(row.ChangePct), ci(row), gate(row), row.Verdict, row.Note)
}

func short(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 1000:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 0.01:
		return fmt.Sprintf("%.3f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func num(v float64, unit string) string { return short(v) + " " + unit }

func pct(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", p)
}

func ci(row Row) string {
	if !row.HasCI {
		return "n/a"
	}
	if row.Baseline != 0 {
		return fmt.Sprintf("[%+.1f%%, %+.1f%%]", 100*row.CILow/math.Abs(row.Baseline), 100*row.CIHigh/math.Abs(row.Baseline))
	}
	return fmt.Sprintf("[%s, %s]", short(row.CILow), short(row.CIHigh))
}

func gate(row Row) string {
	if !row.Gated {
		return "-"
	}
	sign := "+"
	if !row.HigherIsWorse {
		sign = "-"
	}
	if row.ThresholdAbs {
		return fmt.Sprintf("%s%g pp", sign, row.Threshold)
	}
	return fmt.Sprintf("%s%g%%", sign, row.Threshold)
}

func verdict(row Row) string {
	if row.Verdict == VerdictRegression {
		return "**regression**"
	}
	return row.Verdict
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "`", "'")
	return r.Replace(s)
}

func mdCode(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "\n", " ") }
