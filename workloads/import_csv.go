package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"io"
	"time"
)

// azureTimeLayout is the Azure trace's TIMESTAMP (100 ns resolution).
const azureTimeLayout = "2006-01-02 15:04:05.9999999"

// ImportAzure reads an Azure LLM inference trace CSV (TIMESTAMP,
// ContextTokens, GeneratedTokens): each row is one single-call task arriving
// at its TIMESTAMP minus the first row's.
func ImportAzure(name string, r io.Reader, o ImportOptions) (*Trace, *ImportReport, error) {
	rep := &ImportReport{File: name}
	t := &Trace{Header: TraceHeader{Name: o.Name, Source: "Azure LLM inference trace: " + name,
		Replay: ReplayRecorded, Arrival: TraceArrival{Process: runrecord.ArrivalTrace},
		TimestampPolicy: "TIMESTAMP (wall clock, 100 ns) minus the first row's"}}
	var col map[string]int
	var t0, last time.Time
	header := func(h []string) (err error) {
		col, err = columns(h, map[string][]string{"ts": {"TIMESTAMP"}, "in": {"ContextTokens"}, "out": {"GeneratedTokens"}})
		return err
	}
	row := func(line int, f []string) error {
		rep.Rows++
		c, at, err := azureRow(f, col, last)
		if err != nil {
			rep.Bad = append(rep.Bad, Problem{File: name, Line: line, Msg: err.Error()})
			return nil
		}
		if t0.IsZero() {
			t0 = at
		}
		last = at
		c.AtNS = at.Sub(t0).Nanoseconds()
		t.Calls = append(t.Calls, c)
		t.Lines = append(t.Lines, line)
		return nil
	}
	return finishCSV(name, r, t, rep, o, header, row)
}

func azureRow(f []string, col map[string]int, last time.Time) (Call, time.Time, error) {
	s, err := field(f, col["ts"], "TIMESTAMP")
	if err != nil {
		return Call{}, time.Time{}, err
	}
	at, err := time.Parse(azureTimeLayout, s)
	if err != nil {
		return Call{}, time.Time{}, fmt.Errorf("column TIMESTAMP: want 2006-01-02 15:04:05.0000000, got %s", snippet(s))
	}
	if !last.IsZero() && at.Before(last) {
		return Call{}, time.Time{}, fmt.Errorf("column TIMESTAMP: goes backwards (%s after %s)", snippet(s), last.Format(azureTimeLayout))
	}
	in, err := tokenCount(f, col["in"], "ContextTokens")
	if err != nil {
		return Call{}, time.Time{}, err
	}
	out, err := tokenCount(f, col["out"], "GeneratedTokens")
	if err != nil {
		return Call{}, time.Time{}, err
	}
	if in == 0 {
		return Call{}, time.Time{}, fmt.Errorf("column ContextTokens: zero-length prompt")
	}
	return Call{PromptTokens: in, CompletionTokens: out}, at, nil
}

// ImportLengths reads a CSV of prompt/output token pairs without times (for
// example the sarathi-serve ShareGPT stats: num_prefill_tokens,
// num_decode_tokens); o.Arrival spaces the tasks (default Poisson 1 task/s).
func ImportLengths(name string, r io.Reader, o ImportOptions) (*Trace, *ImportReport, error) {
	rep := &ImportReport{File: name}
	arr := TraceArrival{Process: runrecord.ArrivalPoisson, RatePerS: 1}
	if o.Arrival != nil {
		arr = *o.Arrival
	}
	t := &Trace{Header: TraceHeader{Name: o.Name, Source: "length-only CSV: " + name, Replay: ReplayRecorded, Arrival: arr,
		Notes: []string{"no timestamps in the source: arrivals come from the configured process"}}}
	var col map[string]int
	header := func(h []string) (err error) {
		col, err = columns(h, map[string][]string{
			"in":  {"num_prefill_tokens", "prompt_tokens", "input_tokens", "input_length", "ContextTokens"},
			"out": {"num_decode_tokens", "completion_tokens", "output_tokens", "output_length", "GeneratedTokens"},
		})
		return err
	}
	row := func(line int, f []string) error {
		rep.Rows++
		in, err := tokenCount(f, col["in"], "prompt tokens")
		var out int
		if err == nil {
			out, err = tokenCount(f, col["out"], "output tokens")
		}
		if err == nil && in == 0 {
			err = fmt.Errorf("zero-length prompt")
		}
		if err != nil {
			rep.Bad = append(rep.Bad, Problem{File: name, Line: line, Msg: err.Error()})
			return nil
		}
		t.Calls = append(t.Calls, Call{AtNS: -1, PromptTokens: in, CompletionTokens: out})
		t.Lines = append(t.Lines, line)
		return nil
	}
	return finishCSV(name, r, t, rep, o, header, row)
}

// finishCSV reads the rows and applies the bad-row policy.
func finishCSV(name string, r io.Reader, t *Trace, rep *ImportReport, o ImportOptions,
	header func([]string) error, row func(int, []string) error) (*Trace, *ImportReport, error) {
	if err := csvRows(r, header, row); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	rep.Imported = len(t.Calls)
	if err := rep.check(o.SkipBad); err != nil {
		return nil, rep, err
	}
	return t, rep, nil
}
