package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"bufio"
	"encoding/json"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

// interArrival returns the mean and median gap between consecutive at_ns.
func interArrival(t *Trace) (mean, median float64) {
	var gaps []float64
	for i := 1; i < len(t.Calls); i++ {
		gaps = append(gaps, float64(t.Calls[i].AtNS-t.Calls[i-1].AtNS))
	}
	sort.Float64s(gaps)
	s := 0.0
	for _, g := range gaps {
		s += g
	}
	return s / float64(len(gaps)), gaps[len(gaps)/2]
}

func sums(t *Trace) (in, out int) {
	for _, c := range t.Calls {
		in += c.PromptTokens
		out += c.CompletionTokens
	}
	return in, out
}

type callWant struct {
	at      int64
	in, out int
	line    int
	hashIDs int
}

func expectCall(t *testing.T, what string, c Call, line int, w callWant) {
	t.Helper()
	if c.AtNS != w.at || c.PromptTokens != w.in || c.CompletionTokens != w.out || line != w.line || len(c.HashIDs) != w.hashIDs {
		t.Errorf("%s: got at %d ns, %d/%d tokens, line %d, %d hash ids; want %+v",
			what, c.AtNS, c.PromptTokens, c.CompletionTokens, line, len(c.HashIDs), w)
	}
}

func TestImportAzureReal(t *testing.T) {
	tr, rep, err := Import(sharedData(t, "AzureLLMInferenceTrace_conv_2023.csv"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 19366 || rep.Imported != 19366 || len(rep.Bad) != 0 {
		t.Fatalf("rows %d imported %d bad %d; want 19366 19366 0", rep.Rows, rep.Imported, len(rep.Bad))
	}
	n := len(tr.Calls)
	expectCall(t, "first", tr.Calls[0], tr.Lines[0], callWant{0, 374, 44, 2, 0})
	expectCall(t, "last", tr.Calls[n-1], tr.Lines[n-1], callWant{3501721937000, 197, 183, 19367, 0})
	if in, out := sums(tr); in != 22361870 || out != 4088665 {
		t.Errorf("token sums %d/%d; want 22361870/4088665", in, out)
	}
	mean, median := interArrival(tr)
	if math.Abs(mean-180827365.711) > 1 || median != 118424000 {
		t.Errorf("inter-arrival mean %.0f median %.0f ns; want 180827366, 118424000", mean, median)
	}
	p := TracePlan(tr, "azure", ResolveOptions{})
	if p.Len != 19366 || p.Arrival.Process != runrecord.ArrivalTrace || p.PromptLengths != "estimated" {
		t.Errorf("plan len %d arrival %s lengths %q", p.Len, p.Arrival.Process, p.PromptLengths)
	}
	last, _ := p.Instance(n - 1)
	if last.AtNS != 3501721937000 || last.Steps[0].MaxTokens != 183 || last.Steps[0].PromptTokens != 197 {
		t.Errorf("last instance %+v", last)
	}
}

func TestImportMooncakeReal(t *testing.T) {
	path := sharedData(t, "mooncake_conversation_trace.jsonl")
	spread, rep, err := Import(path, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	burst, _, err := Import(path, ImportOptions{TimestampPolicy: PolicyBurst})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 12031 || rep.Imported != 12031 || len(spread.Calls) != 12031 {
		t.Fatalf("rows %d imported %d; want 12031", rep.Rows, rep.Imported)
	}
	n := len(spread.Calls)
	expectCall(t, "first", spread.Calls[0], spread.Lines[0], callWant{0, 6758, 500, 1, 14})
	expectCall(t, "last", spread.Calls[n-1], spread.Lines[n-1], callWant{3537857142857, 20774, 508, 12031, 41})
	expectCall(t, "last (burst)", burst.Calls[n-1], burst.Lines[n-1], callWant{3537000000000, 20774, 508, 12031, 41})
	if in, out := sums(spread); in != 144793823 || out != 4122048 {
		t.Errorf("token sums %d/%d; want 144793823/4122048", in, out)
	}
	// Every arrival lies in its source second (rounded), burst exactly at it.
	raw := readMooncakeMS(t, path)
	seconds := map[int64]bool{}
	for i, c := range spread.Calls {
		sec := (raw[i] + 500) / 1000 * 1e9
		seconds[sec] = true
		if burst.Calls[i].AtNS != sec || c.AtNS < sec || c.AtNS >= sec+1e9 {
			t.Fatalf("row %d: timestamp %d ms: spread at %d, burst at %d", i+1, raw[i], c.AtNS, burst.Calls[i].AtNS)
		}
	}
	if p := TracePlan(spread, "m", ResolveOptions{}); !strings.HasPrefix(p.TimestampPolicy, "spread: ") {
		t.Errorf("plan timestamp policy %q", p.TimestampPolicy)
	}
	if len(seconds) != 1180 {
		t.Errorf("%d distinct seconds; want 1180", len(seconds))
	}
	mean, median := interArrival(spread)
	if math.Abs(mean-294086213.039) > 1 || median != 90909091 {
		t.Errorf("spread inter-arrival mean %.0f median %.0f ns; want 294086213, 90909091", mean, median)
	}
}

func readMooncakeMS(t *testing.T, path string) []int64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []int64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct{ Timestamp int64 }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Timestamp)
	}
	return out
}

func TestImportTau2Real(t *testing.T) {
	tr, rep, err := Import(sharedData(t, "tau2_airline_claude-sonnet-4-5_aide-platform_pr80.json"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 50 || rep.Imported != 50 || len(tr.Calls) != 467 {
		t.Fatalf("sessions %d imported %d calls %d; want 50 50 467", rep.Rows, rep.Imported, len(tr.Calls))
	}
	if in, out := sums(tr); in != 3838336 || out != 195216 {
		t.Errorf("token sums %d/%d; want 3838336/195216", in, out)
	}
	p := TracePlan(tr, "tau2", ResolveOptions{})
	if p.Len != 50 {
		t.Fatalf("plan has %d instances; want 50", p.Len)
	}
	var cost float64
	succ, steps := 0, 0
	var toolGaps []float64
	for i := 0; i < p.Len; i++ {
		in, _ := p.Instance(i)
		cost += in.RecordedCostUSD
		steps += len(in.Steps)
		if in.RecordedSuccess != nil && *in.RecordedSuccess {
			succ++
		}
		if !in.HasRecordedCost || in.RecordedSuccess == nil {
			t.Fatalf("instance %d lacks recorded cost or success", i)
		}
		for k, s := range in.Steps {
			if k > 0 && !s.CarryAll {
				t.Fatalf("instance %d step %d does not carry the session context", i, k)
			}
			if last := s.Messages[len(s.Messages)-1]; k > 0 && len(last.Content) > 13 && last.Content[:13] == "Tool result: " {
				toolGaps = append(toolGaps, float64(s.DelayNS))
			}
		}
	}
	if steps != 467 || succ != 36 || math.Abs(cost-14.443248) > 1e-6 {
		t.Errorf("steps %d successes %d recorded agent cost $%.6f; want 467, 36, $14.443248", steps, succ, cost)
	}
	first, _ := p.Instance(0)
	last, _ := p.Instance(49)
	if first.ID != "9fd9fe14-891b-4e41-a6e2-293ad5a1d0b2" || len(first.Steps) != 14 || math.Abs(first.RecordedCostUSD-0.503676) > 1e-9 || *first.RecordedSuccess {
		t.Errorf("first session %s: %d steps, $%.6f, success %v", first.ID, len(first.Steps), first.RecordedCostUSD, *first.RecordedSuccess)
	}
	if last.ID != "58449ca0-7738-4de7-aa8b-f61a8bfe2bdc" || len(last.Steps) != 5 || !*last.RecordedSuccess {
		t.Errorf("last session %s: %d steps, success %v", last.ID, len(last.Steps), *last.RecordedSuccess)
	}
	if first.Steps[0].Messages[0].Role != "system" || first.AtNS != 0 {
		t.Errorf("first call: role %s at %d; want the policy as system message at 0", first.Steps[0].Messages[0].Role, first.AtNS)
	}
	sort.Float64s(toolGaps)
	if len(toolGaps) != 217 || toolGaps[len(toolGaps)/2] > 2e6 {
		t.Errorf("%d tool gaps, median %.0f ns; want 217, about 0.7 ms", len(toolGaps), toolGaps[len(toolGaps)/2])
	}
}

func TestImportLengthsReal(t *testing.T) {
	tr, rep, err := Import(sharedData(t, "sarathi_sharegpt_8k_filtered_stats_llama2_tokenizer.csv"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 30731 || rep.Imported != 30731 {
		t.Fatalf("rows %d imported %d; want 30731", rep.Rows, rep.Imported)
	}
	n := len(tr.Calls)
	expectCall(t, "first", tr.Calls[0], tr.Lines[0], callWant{-1, 74, 918, 2, 0})
	expectCall(t, "last", tr.Calls[n-1], tr.Lines[n-1], callWant{-1, 2285, 363, 30732, 0})
	if in, out := sums(tr); in != 71911571 || out != 13481988 {
		t.Errorf("token sums %d/%d; want 71911571/13481988", in, out)
	}
	rate := &TraceArrival{Process: runrecord.ArrivalConstant, RatePerS: 4}
	tr2, _, _ := Import(sharedData(t, "sarathi_sharegpt_8k_filtered_stats_llama2_tokenizer.csv"), ImportOptions{Arrival: rate})
	p := TracePlan(tr2, "sarathi", ResolveOptions{})
	in, _ := p.Instance(0)
	if p.Arrival.Process != runrecord.ArrivalConstant || p.Arrival.RatePerS != 4 || in.AtNS != -1 || p.Len != 30731 {
		t.Errorf("plan arrival %+v first at %d len %d", p.Arrival, in.AtNS, p.Len)
	}
}

// TestTau2Pad: the first call of each session is padded with synthesised
// text up to its recorded prompt size (estimated at 4 characters a token).
func TestTau2Pad(t *testing.T) {
	tr, _, err := Import(sharedData(t, "tau2_airline_claude-sonnet-4-5_aide-platform_pr80.json"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := TracePlan(tr, "tau2", ResolveOptions{})
	firsts := map[string]Call{}
	for _, c := range tr.Calls {
		if _, ok := firsts[c.Task]; !ok {
			firsts[c.Task] = c
		}
	}
	for i := 0; i < p.Len; i++ {
		in, _ := p.Instance(i)
		c := firsts[in.ID]
		chars := 0
		for _, m := range c.Messages {
			chars += len(m.Content)
		}
		s0 := in.Steps[0]
		padText := SynthText(0, c.PadTokens, EstimatedTokensPerChar)
		if c.PadTokens <= 0 || c.PadTokens != c.PromptTokens-chars/tau2CharsPerToken || s0.PromptTokens != c.PadTokens ||
			len(s0.Messages[0].Content) != len(c.Messages[0].Content)+2+len(padText) {
			t.Fatalf("%s: pad %d tokens for %d recorded, %d chars of text; step prompt tokens %d", in.ID, c.PadTokens, c.PromptTokens, chars, s0.PromptTokens)
		}
	}
}
