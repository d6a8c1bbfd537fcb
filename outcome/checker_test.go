package outcome

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

func check(spec workloads.CheckSpec, expected string, schema string) workloads.Check {
	c := workloads.Check{Spec: &spec, Expected: expected}
	if schema != "" {
		c.Schema = []byte(schema)
	}
	return c
}

func TestChecks(t *testing.T) {
	calls := []runrecord.ToolCall{{Name: "lookup", Arguments: `{"id": 7}`}, {Name: "apply", Arguments: `{"card":"Gold"}`}}
	cases := []struct {
		name  string
		check workloads.Check
		out   Output
		pass  bool
	}{
		{"equals normalised", check(workloads.CheckSpec{Type: "equals"}, "Product Defect", ""), Output{Text: "  product   defect.\n"}, true},
		{"equals exact", check(workloads.CheckSpec{Type: "equals", Normalize: []string{"none"}}, "Product Defect", ""), Output{Text: "product defect"}, false},
		{"equals punct", check(workloads.CheckSpec{Type: "equals", Normalize: []string{"case", "punct"}}, "return-size", ""), Output{Text: "Return_Size!"}, true},
		{"contains", check(workloads.CheckSpec{Type: "contains"}, "doc_credit_cards_gold", ""), Output{Text: "I use DOC_credit_cards_gold_001 here"}, true},
		{"contains missing", check(workloads.CheckSpec{Type: "contains"}, "doc_x", ""), Output{Text: "none"}, false},
		{"one_of whole", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"cards", "loans"}}, "cards", ""), Output{Text: "Cards"}, true},
		{"one_of in text", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"cards", "loans"}}, "loans", ""), Output{Text: "Category: loans, urgency high"}, true},
		{"one_of wrong label", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"cards", "loans"}}, "loans", ""), Output{Text: "cards"}, false},
		{"one_of two labels", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"cards", "loans"}}, "", ""), Output{Text: "cards or loans"}, false},
		{"one_of any label", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"cards", "loans"}}, "", ""), Output{Text: "loans."}, true},
		{"one_of label inside a word is not it", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"card", "loan"}}, "loan", ""), Output{Text: "cards: loan"}, true},
		{"one_of whole word after a part", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"card", "loan"}}, "card", ""), Output{Text: "cardholder_x asks about a card"}, true},
		{"one_of only inside words", check(workloads.CheckSpec{Type: "one_of", Labels: []string{"card", "loan"}}, "", ""), Output{Text: "cards and loans"}, false},
		{"one_of in JSON", check(workloads.CheckSpec{Type: "one_of", Path: "/flow", Labels: []string{"product_defect", "storewide_query"}}, "storewide_query", ""), Output{Text: "```json\n{\"flow\": \"storewide_query\"}\n```"}, true},
		{"number within", check(workloads.CheckSpec{Type: "number", Tolerance: 0.5}, "100,000", ""), Output{Text: "Income: $100,000.40 a year"}, true},
		{"number outside", check(workloads.CheckSpec{Type: "number", RelativeTolerance: 0.01}, "250", ""), Output{Text: "about 260"}, false},
		{"regex", check(workloads.CheckSpec{Type: "regex", Pattern: `(?i)^ok\b`}, "", ""), Output{Text: "OK, complies"}, true},
		{"regex no match", check(workloads.CheckSpec{Type: "regex", Pattern: `^OK$`}, "", ""), Output{Text: "not OK"}, false},
		{"json schema", check(workloads.CheckSpec{Type: "json_schema"}, "", `{"type":"object","required":["flow"]}`), Output{Text: `{"flow":"x"}`}, true},
		{"json schema fails", check(workloads.CheckSpec{Type: "json_schema"}, "", `{"type":"object","required":["flow"]}`), Output{Text: `{"subflow":"x"}`}, false},
		{"not json", check(workloads.CheckSpec{Type: "json_schema"}, "", `{"type":"object"}`), Output{Text: `flow: x`}, false},
		{"tool call", check(workloads.CheckSpec{Type: "tool_call", Function: "apply"}, "", `{"type":"object","properties":{"card":{"enum":["Gold"]}},"required":["card"]}`), Output{ToolCalls: calls}, true},
		{"tool call args", check(workloads.CheckSpec{Type: "tool_call", Function: "apply"}, "", `{"required":["annual_income"]}`), Output{ToolCalls: calls}, false},
		{"no tool call", check(workloads.CheckSpec{Type: "tool_call", Function: "transfer"}, "", ""), Output{ToolCalls: calls}, false},
	}
	c := New(workloads.JudgeSpec{}, nil)
	for _, tc := range cases {
		r := c.Run(context.Background(), []workloads.Check{tc.check}, tc.out)
		if len(r) != 1 || r[0].Pass != tc.pass || r[0].Type != tc.check.Spec.Type || (r[0].Pass == (r[0].Detail != "")) {
			t.Errorf("%s: %+v, want pass %v", tc.name, r, tc.pass)
		}
	}
}

// A judge check sends the rubric and the answer to the judge backend, and
// records the judge's tokens apart from the task's.
func TestJudge(t *testing.T) {
	for _, verdict := range []string{"PASS it is polite", "FAIL too rude"} {
		srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{
			Models: map[string]fakeserver.Model{"judge": {}}, Wrong: verdict}}))
		spec := workloads.CheckSpec{Type: "judge", Rubric: "polite", Where: "w.yaml:3: tasks[0].checks[0]"}
		c := New(workloads.JudgeSpec{Target: srv.URL, Model: "judge"}, nil)
		if err := c.Probe(context.Background(), []*workloads.CheckSpec{&spec}); err != nil {
			t.Fatal(err)
		}
		r := c.Run(context.Background(), []workloads.Check{{Spec: &spec, Rubric: "polite"}}, Output{Text: "Dear customer"})
		j := r[0].Judge
		if r[0].Pass != strings.HasPrefix(verdict, "PASS") || j == nil || !j.OK || j.InputTokens == 0 || j.OutputTokens != len(strings.Fields(verdict)) || j.Model != "judge" {
			t.Errorf("verdict %q: result %+v judge %+v", verdict, r[0], j)
		}
		srv.Close()
	}
}

// An unreachable judge is one line naming the check's place, before any load.
func TestJudgeProbe(t *testing.T) {
	spec := workloads.CheckSpec{Type: "judge", Rubric: "r", Where: "w.yaml:9: tasks[0].checks[1]",
		Judge: &workloads.JudgeSpec{Target: "http://127.0.0.1:1", Backend: modelapi.KindOllama, Model: "j"}}
	err := New(workloads.JudgeSpec{}, nil).Probe(context.Background(), []*workloads.CheckSpec{&spec})
	if err == nil || !strings.HasPrefix(err.Error(), "w.yaml:9: tasks[0].checks[1].judge: judge backend http://127.0.0.1:1") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v", err)
	}
	spec.Judge.Model = ""
	if err := New(workloads.JudgeSpec{}, nil).Probe(context.Background(), []*workloads.CheckSpec{&spec}); err == nil || !strings.Contains(err.Error(), "no judge model") {
		t.Fatalf("error %v", err)
	}
}
