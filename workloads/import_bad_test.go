package workloads

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestImportBadRows: every importer refuses bad rows with file:line and a
// count, and with SkipBad imports the rest and reports them.
func TestImportBadRows(t *testing.T) {
	cases := []struct {
		name, format, data string
		good               int
		wantLines          []int
		wantMsg            string
	}{
		{"azure.csv", FormatAzure, "TIMESTAMP,ContextTokens,GeneratedTokens\n" +
			"2023-11-16 18:15:46.6805900,374,44\n" +
			"2023-11-16 18:15:47.0000000,12\n" + // missing column
			"2023-11-16 18:15:48.0000000,-5,10\n" + // negative
			"2023-11-16 18:15:49.0000000,abc,10\n" + // non-numeric
			"2023-11-16 18:15:40.0000000,10,10\n" + // backwards
			"2023-11-16 18:15:50.0000000,100,7\n", 2, []int{3, 4, 5, 6}, "column GeneratedTokens: missing"},
		{"moon.jsonl", FormatMooncake, `{"timestamp": 1000, "input_length": 600, "output_length": 5, "hash_ids": [0, 1]}
{"timestamp": 1000, "output_length": 5, "hash_ids": [0]}
{"timestamp": 2000, "input_length": -3, "output_length": 5, "hash_ids": []}
{"timestamp": 500, "input_length": 30, "output_length": 5, "hash_ids": [0]}
{"timestamp": 3000, "input_length": "x", "output_length": 5, "hash_ids": [0]}
{"timestamp": 3000, "input_length": 30, "output_length": 5, "hash_ids": [0], "extra": 1}
{"timestamp": 4000, "input_length": 30, "output_length": 5, "hash_ids": [2]}
`, 2, []int{2, 3, 4, 5, 6}, "field input_length: missing"},
		{"lens.csv", FormatLengths, "num_prefill_tokens,num_decode_tokens\n10,20\n,5\n-1,4\n1.5,3\n7,8\n", 2, []int{3, 4, 5}, "column prompt tokens: missing"},
		{"trace.jsonl", FormatTrace, `{"format":"tcobench-trace","version":1,"name":"x","arrival":{"process":"trace"}}
{"at_ns":10,"prompt_tokens":5}
{"at_ns":11,"prompt_tokens":-5}
{"at_ns":5,"prompt_tokens":5}
{"at_ns":20,"prompt_tokens":5,"api_key":"k"}
{"at_ns":30,"messages":[{"role":"wizard","content":"hi"}]}
{"at_ns":40,"messages":[{"role":"user","content":"hi"}]}
`, 2, []int{3, 4, 5, 6}, "field prompt_tokens/completion_tokens/max_tokens: negative length"},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			_, rep, err := ImportData(c.format, c.name, []byte(c.data), ImportOptions{})
			var bre *BadRowsError
			if !errors.As(err, &bre) {
				t.Fatalf("got %v; want a BadRowsError", err)
			}
			msg := err.Error()
			wantCount := len(c.wantLines)
			if !strings.Contains(msg, c.name+":"+strconv.Itoa(c.wantLines[0])+": "+c.wantMsg) ||
				!strings.Contains(msg, strconv.Itoa(wantCount)+" bad row(s)") {
				t.Errorf("error %q; want %s:%d: %s and a count of %d", msg, c.name, c.wantLines[0], c.wantMsg, wantCount)
			}
			tr, rep, err := ImportData(c.format, c.name, []byte(c.data), ImportOptions{SkipBad: true})
			if err != nil {
				t.Fatalf("skip-bad: %v", err)
			}
			if len(tr.Calls) != c.good || rep.Imported != c.good || len(rep.Bad) != wantCount {
				t.Errorf("skip-bad: %d calls, %d imported, %d bad; want %d, %d", len(tr.Calls), rep.Imported, len(rep.Bad), c.good, wantCount)
			}
			for i, p := range rep.Bad {
				if p.Line != c.wantLines[i] || p.File != c.name {
					t.Errorf("bad row %d at %s:%d; want line %d", i, p.File, p.Line, c.wantLines[i])
				}
			}
			_ = rep
		})
	}
}

func TestImportTau2Bad(t *testing.T) {
	data := `{"info":{},"simulations":[
{"id":"a","start_time":"x","messages":[{"role":"user","content":"hi","timestamp":"2025-10-31T07:34:59.455989"},
 {"role":"assistant","content":"ok","timestamp":"2025-10-31T07:35:01.000000","usage":{"prompt_tokens":10,"completion_tokens":2},"cost":0.01}]},
{"id":"b","messages":[{"role":"user","content":"hi","timestamp":"2025-10-31T07:34:59.455989"},
 {"role":"assistant","content":"ok","timestamp":"2025-10-31T07:34:58.000000","usage":{"prompt_tokens":10,"completion_tokens":2}}]},
{"id":"c","messages":[{"role":"user","content":"hi","timestamp":"2025-10-31T07:34:59.455989"},
 {"role":"assistant","content":"ok","timestamp":"2025-10-31T07:35:01.000000","usage":{"prompt_tokens":-1,"completion_tokens":2}}]}
]}`
	_, _, err := ImportData(FormatTau2, "t.json", []byte(data), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "t.json: simulations[1]: session b: messages[1].timestamp: goes backwards") ||
		!strings.Contains(err.Error(), "2 bad row(s) of 3") {
		t.Fatalf("got %v", err)
	}
	tr, rep, err := ImportData(FormatTau2, "t.json", []byte(data), ImportOptions{SkipBad: true})
	if err != nil || len(tr.Calls) != 1 || rep.Imported != 1 || len(rep.Bad) != 2 {
		t.Fatalf("skip-bad: %v, %+v", err, rep)
	}
	if c := tr.Calls[0]; c.LatencyNS != 1544011000 || c.CostUSD == nil || *c.CostUSD != 0.01 {
		t.Errorf("call %+v", c)
	}
}
