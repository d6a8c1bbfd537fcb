package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"bufio"
	"bytes"
	"fmt"
	"io"
)

// mooncakePolicyText describes each policy in the trace header and the plan.
var mooncakePolicyText = map[string]string{
	PolicySpread: "spread: millisecond timestamps rounded to the nearest second; the n requests of a second arrive at t + k/n s",
	PolicyBurst:  "burst: millisecond timestamps rounded to the nearest second; the requests of a second arrive together at t",
}

// mooncakeRow is one line of a Mooncake trace.
type mooncakeRow struct {
	Timestamp    *int64  `json:"timestamp"`
	InputLength  *int    `json:"input_length"`
	OutputLength *int    `json:"output_length"`
	HashIDs      []int64 `json:"hash_ids"`
}

// ImportMooncake reads a Mooncake JSONL trace (timestamp in ms, input_length,
// output_length, hash_ids of 512-token blocks). Its timestamps are whole
// seconds in practice; o.TimestampPolicy says how requests sharing one are
// replayed (PolicySpread by default).
func ImportMooncake(name string, r io.Reader, o ImportOptions) (*Trace, *ImportReport, error) {
	policy := o.TimestampPolicy
	if policy == "" {
		policy = PolicySpread
	}
	if policy != PolicySpread && policy != PolicyBurst {
		return nil, nil, fmt.Errorf("%s: unknown timestamp policy %q (spread or burst)", name, policy)
	}
	rep := &ImportReport{File: name}
	t := &Trace{Header: TraceHeader{Name: o.Name, Source: "Mooncake trace: " + name, Replay: ReplayRecorded,
		Arrival: TraceArrival{Process: runrecord.ArrivalTrace}, BlockTokens: BlockTokens, TimestampPolicy: mooncakePolicyText[policy]}}
	var ms []int64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	last := int64(-1)
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		rep.Rows++
		c, at, err := mooncakeCall(b, last)
		if err != nil {
			rep.Bad = append(rep.Bad, Problem{File: name, Line: line, Msg: err.Error()})
			continue
		}
		last = at
		ms = append(ms, at)
		t.Calls = append(t.Calls, c)
		t.Lines = append(t.Lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	rep.Imported = len(t.Calls)
	if err := rep.check(o.SkipBad); err != nil {
		return nil, rep, err
	}
	applyTimestampPolicy(t.Calls, ms, policy)
	return t, rep, nil
}

func mooncakeCall(b []byte, last int64) (Call, int64, error) {
	var row mooncakeRow
	if err := decodeStrict(b, &row); err != nil {
		return Call{}, 0, err
	}
	switch {
	case row.Timestamp == nil:
		return Call{}, 0, fmt.Errorf("field timestamp: missing")
	case row.InputLength == nil:
		return Call{}, 0, fmt.Errorf("field input_length: missing")
	case row.OutputLength == nil:
		return Call{}, 0, fmt.Errorf("field output_length: missing")
	case *row.Timestamp < 0:
		return Call{}, 0, fmt.Errorf("field timestamp: negative")
	case *row.Timestamp < last:
		return Call{}, 0, fmt.Errorf("field timestamp: goes backwards (%d ms after %d ms)", *row.Timestamp, last)
	case *row.InputLength <= 0 || *row.InputLength > MaxTokens:
		return Call{}, 0, fmt.Errorf("field input_length: %d out of range (1 to %d tokens)", *row.InputLength, MaxTokens)
	case *row.OutputLength < 0 || *row.OutputLength > MaxTokens:
		return Call{}, 0, fmt.Errorf("field output_length: %d out of range (0 to %d tokens)", *row.OutputLength, MaxTokens)
	case len(row.HashIDs) > *row.InputLength/BlockTokens+1:
		return Call{}, 0, fmt.Errorf("field hash_ids: %d blocks for %d tokens", len(row.HashIDs), *row.InputLength)
	}
	for i, id := range row.HashIDs {
		if id < 0 {
			return Call{}, 0, fmt.Errorf("field hash_ids[%d]: negative", i)
		}
	}
	return Call{PromptTokens: *row.InputLength, CompletionTokens: *row.OutputLength, HashIDs: row.HashIDs}, *row.Timestamp, nil
}

// applyTimestampPolicy sets at_ns from millisecond timestamps. The source
// rounds to whole seconds (8,492 of 12,031 values end in 000, 3,494 in 999),
// so each is rounded to the nearest second; with PolicySpread the n requests
// of one second then arrive at t + k/n s (k = 0..n-1), with PolicyBurst all at t.
func applyTimestampPolicy(calls []Call, ms []int64, policy string) {
	sec := func(i int) int64 { return (ms[i] + 500) / 1000 }
	for i := 0; i < len(calls); {
		j := i
		for j < len(calls) && sec(j) == sec(i) {
			j++
		}
		for k := i; k < j; k++ {
			calls[k].AtNS = sec(i) * 1e9
			if policy == PolicySpread {
				calls[k].AtNS += int64(k-i) * 1e9 / int64(j-i)
			}
		}
		i = j
	}
}
