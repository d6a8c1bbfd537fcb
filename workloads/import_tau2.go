package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"github.com/tcobench/tcobench/modelapi"

	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// tau2File is the part of a tau2-bench results JSON that the importer reads.
type tau2File struct {
	Info struct {
		AgentInfo struct {
			LLM string `json:"llm"`
		} `json:"agent_info"`
		EnvironmentInfo struct {
			DomainName string          `json:"domain_name"`
			Policy     string          `json:"policy"`
			ToolDefs   json.RawMessage `json:"tool_defs"`
		} `json:"environment_info"`
	} `json:"info"`
	Simulations []tau2Sim `json:"simulations"`
}

type tau2Sim struct {
	ID         string   `json:"id"`
	TaskID     string   `json:"task_id"`
	StartTime  string   `json:"start_time"`
	AgentCost  *float64 `json:"agent_cost"`
	RewardInfo *struct {
		Reward *float64 `json:"reward"`
	} `json:"reward_info"`
	Messages []tau2Message `json:"messages"`
}

type tau2Message struct {
	Role      string          `json:"role"`
	Content   *string         `json:"content"`
	ToolCalls json.RawMessage `json:"tool_calls"`
	Timestamp string          `json:"timestamp"`
	Cost      *float64        `json:"cost"`
	Usage     *struct {
		PromptTokens     *int `json:"prompt_tokens"`
		CompletionTokens *int `json:"completion_tokens"`
	} `json:"usage"`
}

// tau2TimeLayout is the ISO timestamp of tau2 messages (local, microseconds).
const tau2TimeLayout = "2006-01-02T15:04:05.999999"

// ImportTau2 reads tau2-bench results: each simulation becomes a task whose
// steps are the agent's LLM calls (assistant messages with usage), with the
// recorded prompt/completion tokens and per-call cost, the gap before each
// call (tool time or the user's turn), and the session's agent_cost and
// reward (success = reward 1). A call's messages are the ones new since the
// agent's previous call (carry: the earlier context); the first call also
// carries the domain policy and tool definitions as its system message.
// Arrivals are each call's recorded start (the previous message's time)
// from the earliest session start.
func ImportTau2(name string, data []byte, o ImportOptions) (*Trace, *ImportReport, error) {
	var f tau2File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, nil, fmt.Errorf("%s: tau2 results JSON: %w", name, err)
	}
	rep := &ImportReport{File: name}
	t := &Trace{Header: TraceHeader{Name: o.Name, Source: "tau2-bench results: " + name, Replay: ReplayRecorded,
		Arrival:         TraceArrival{Process: runrecord.ArrivalTrace},
		TimestampPolicy: "each call starts at the previous message's timestamp; times from the earliest session start",
		Notes:           []string{"recorded agent model: " + f.Info.AgentInfo.LLM, "domain: " + f.Info.EnvironmentInfo.DomainName}}}
	system := strings.TrimSpace(f.Info.EnvironmentInfo.Policy)
	if len(f.Info.EnvironmentInfo.ToolDefs) > 0 && string(f.Info.EnvironmentInfo.ToolDefs) != "null" {
		system += "\n\n# Tools\n" + string(f.Info.EnvironmentInfo.ToolDefs)
	}
	type timed struct {
		c   Call
		at  time.Time
		seq int
	}
	var all []timed
	for i, s := range f.Simulations {
		rep.Rows++
		calls, ats, err := tau2Calls(s, system, f.Info.AgentInfo.LLM)
		if err != nil {
			rep.Bad = append(rep.Bad, Problem{File: name, Field: fmt.Sprintf("simulations[%d]", i), Msg: fmt.Sprintf("session %s: %v", s.ID, err)})
			continue
		}
		for k := range calls {
			all = append(all, timed{calls[k], ats[k], len(all)})
		}
	}
	rep.Imported = rep.Rows - len(rep.Bad)
	if err := rep.check(o.SkipBad); err != nil {
		return nil, rep, err
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].at.Before(all[b].at) })
	t0 := all[0].at
	for _, x := range all {
		x.c.AtNS = x.at.Sub(t0).Nanoseconds()
		t.Calls = append(t.Calls, x.c)
	}
	return t, rep, nil
}

// tau2Calls turns one session into calls and their start times.
func tau2Calls(s tau2Sim, system, model string) ([]Call, []time.Time, error) {
	if s.ID == "" {
		return nil, nil, fmt.Errorf("field id: missing")
	}
	var calls []Call
	var ats []time.Time
	var pending []modelapi.Message
	if system != "" {
		pending = append(pending, modelapi.Message{Role: "system", Content: system})
	}
	var prevTS, lastCallTS time.Time
	for j, m := range s.Messages {
		ts, err := time.Parse(tau2TimeLayout, m.Timestamp)
		if err != nil {
			return nil, nil, fmt.Errorf("messages[%d].timestamp: want ISO time, got %s", j, snippet(m.Timestamp))
		}
		if !prevTS.IsZero() && ts.Before(prevTS) {
			return nil, nil, fmt.Errorf("messages[%d].timestamp: goes backwards (%s)", j, snippet(m.Timestamp))
		}
		if m.Role == "assistant" && m.Usage != nil {
			c, err := tau2Call(s, m, j, len(calls), pending, model)
			if err != nil {
				return nil, nil, err
			}
			c.LatencyNS = ts.Sub(prevTS).Nanoseconds()
			if len(calls) > 0 {
				c.DelayNS = prevTS.Sub(lastCallTS).Nanoseconds()
			}
			calls = append(calls, c)
			ats = append(ats, prevTS)
			pending, lastCallTS = nil, ts
		} else {
			pending = append(pending, tau2Context(m))
		}
		prevTS = ts
	}
	if len(calls) == 0 {
		return nil, nil, fmt.Errorf("no agent LLM calls (assistant messages with usage)")
	}
	calls[0].PadTokens = tau2Pad(calls[0])
	calls[0].TaskKey = s.TaskID
	if s.AgentCost != nil {
		calls[0].TaskCostUSD = s.AgentCost
	}
	if s.RewardInfo != nil && s.RewardInfo.Reward != nil {
		ok := *s.RewardInfo.Reward >= 1
		calls[0].Success = &ok
	}
	return calls, ats, nil
}

func tau2Call(s tau2Sim, m tau2Message, j, k int, pending []modelapi.Message, model string) (Call, error) {
	u := m.Usage
	if u.PromptTokens == nil || u.CompletionTokens == nil || *u.PromptTokens < 0 || *u.CompletionTokens < 0 {
		return Call{}, fmt.Errorf("messages[%d].usage: missing or negative token counts", j)
	}
	if len(pending) == 0 {
		pending = []modelapi.Message{{Role: "user", Content: "(continue)"}}
	}
	return Call{Task: s.ID, Step: fmt.Sprintf("call%d", k+1), Model: model, Messages: pending, Carry: k > 0,
		PromptTokens: *u.PromptTokens, CompletionTokens: *u.CompletionTokens,
		Output: tau2Text(m), CostUSD: m.Cost}, nil
}

// tau2Context renders a non-call message as the agent saw it: tool results
// become user messages (so no tool_call ids are needed on replay).
func tau2Context(m tau2Message) modelapi.Message {
	switch m.Role {
	case "tool":
		return modelapi.Message{Role: "user", Content: "Tool result: " + tau2Text(m)}
	case "assistant":
		return modelapi.Message{Role: "assistant", Content: tau2Text(m)}
	}
	return modelapi.Message{Role: "user", Content: tau2Text(m)}
}

func tau2Text(m tau2Message) string {
	var parts []string
	if m.Content != nil && *m.Content != "" {
		parts = append(parts, *m.Content)
	}
	if len(m.ToolCalls) > 0 && string(m.ToolCalls) != "null" {
		parts = append(parts, "Tool calls: "+string(m.ToolCalls))
	}
	return strings.Join(parts, "\n")
}

// tau2CharsPerToken estimates the recorded text's tokens (English and JSON
// under BPE: about 4 characters a token; an assumption).
const tau2CharsPerToken = 4

// tau2Pad is how many tokens the first call's recorded prompt count exceeds
// the estimate of its recorded text by: the agent provider's own preamble and
// tool-schema rendering, which the results file does not hold. Replay
// synthesises that many tokens so replayed prompts keep the recorded size.
func tau2Pad(c Call) int {
	chars := 0
	for _, m := range c.Messages {
		chars += len(m.Content)
	}
	return max(0, c.PromptTokens-chars/tau2CharsPerToken)
}
