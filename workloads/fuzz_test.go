package workloads

import (
	"bytes"
	"errors"
	"testing"
)

// Fuzz targets: bad input gets an error, never a panic. The committed seed
// corpora (testdata/fuzz/<target>) run in every `go test`.

func FuzzDecode(f *testing.F) {
	f.Add([]byte("version: 1\nname: x\narrival: {process: closed, users: 1}\ntasks: [{name: t, steps: [{max_tokens: 1, messages: [{role: user, text: hi}]}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode("f.yaml", data)
		if err != nil {
			var pe *ProblemsError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a non-empty ProblemsError", err)
			}
			return
		}
		read := func(string) ([]byte, error) { return []byte(`{"a": "b", "n": 1}` + "\n"), nil }
		p, err := Resolve(file, "f.yaml", read, ResolveOptions{})
		if err != nil {
			return
		}
		for i := 0; i < 3; i++ {
			p.Instance(i)
		}
	})
}

func FuzzReadTrace(f *testing.F) {
	f.Add([]byte(`{"format":"tcobench-trace","version":1,"name":"x","arrival":{"process":"trace"}}` + "\n" + `{"at_ns":0,"task":"a","prompt_tokens":5}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, _, err := ReadTrace("f.jsonl", bytes.NewReader(data), true)
		if err == nil {
			planSmall(t, tr)
		}
	})
}

func fuzzImporter(f *testing.F, format string, seed string) {
	f.Add([]byte(seed))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, skip := range []bool{false, true} {
			tr, rep, err := ImportData(format, "f", data, ImportOptions{SkipBad: skip})
			if err != nil {
				continue
			}
			if rep == nil || rep.Imported != len(tr.Calls) && format != FormatTau2 {
				t.Fatalf("report %+v for %d calls", rep, len(tr.Calls))
			}
			planSmall(t, tr)
		}
	})
}

// planSmall builds the plan's instances when their text stays small.
func planSmall(t *testing.T, tr *Trace) {
	total := 0
	for _, c := range tr.Calls {
		total += c.PromptTokens + c.CompletionTokens
		for _, d := range c.Digests {
			total += d.Chars
		}
	}
	if total > 200_000 {
		return
	}
	p := TracePlan(tr, "f", ResolveOptions{})
	for i := 0; i < p.Len && i < 5; i++ {
		if _, ok := p.Instance(i); !ok {
			t.Fatalf("instance %d of %d missing", i, p.Len)
		}
	}
}

func FuzzImportAzure(f *testing.F) {
	fuzzImporter(f, FormatAzure, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n")
}

func FuzzImportMooncake(f *testing.F) {
	fuzzImporter(f, FormatMooncake, `{"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [0, 1]}`+"\n")
}

func FuzzImportLengths(f *testing.F) {
	fuzzImporter(f, FormatLengths, "num_prefill_tokens,num_decode_tokens\n74,918\n")
}

func FuzzImportTau2(f *testing.F) {
	fuzzImporter(f, FormatTau2, `{"simulations":[{"id":"a","messages":[{"role":"user","content":"hi","timestamp":"2025-10-31T07:34:59.455989"},{"role":"assistant","content":"ok","timestamp":"2025-10-31T07:35:01.000000","usage":{"prompt_tokens":10,"completion_tokens":2}}]}]}`)
}
