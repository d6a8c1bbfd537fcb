package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"github.com/tcobench/tcobench/modelapi"

	"fmt"
	"strconv"
)

// defaultMaxTokens is the output limit of a recorded call with messages that
// recorded neither its limit nor its output length (a stream without usage).
const defaultMaxTokens = 256

// TracePlan turns a trace into a Plan: calls with the same task id become one
// instance (steps in recorded order); arrivals replay at_ns unless the trace
// has no timestamps or opts.Arrival replaces them.
func TracePlan(t *Trace, source string, opts ResolveOptions) *Plan {
	var seed uint64
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	groups := groupCalls(t.Calls)
	h := t.Header
	p := &Plan{
		Name: h.Name, Source: source, ReplayMode: pick(opts.Replay, h.Replay, ReplayRecorded),
		Arrival: Arrival{Process: h.Arrival.Process, RatePerS: h.Arrival.RatePerS, GammaShape: h.Arrival.GammaShape,
			Users: h.Arrival.Users, ThinkTimeNS: h.Arrival.ThinkTimeNS, Seed: seed},
		Len: len(groups), TimestampPolicy: h.TimestampPolicy,
	}
	if opts.Arrival != nil {
		p.Arrival = *opts.Arrival
		p.Arrival.Seed = seed
	}
	if traceSynthesises(t) {
		p.PromptLengths = opts.lengthsLabel()
	}
	tpc := opts.tokensPerChar()
	timed := p.Arrival.Process == runrecord.ArrivalTrace
	p.Instance = func(i int) (Instance, bool) {
		if i < 0 || i >= len(groups) {
			return Instance{}, false
		}
		return traceInstance(t, groups[i], i, seed, tpc, timed), true
	}
	return p
}

// groupCalls returns call indexes per task, in order of each task's first call.
func groupCalls(calls []Call) [][]int {
	var groups [][]int
	byTask := map[string]int{}
	for i, c := range calls {
		if c.Task == "" {
			groups = append(groups, []int{i})
			continue
		}
		g, ok := byTask[c.Task]
		if !ok {
			g = len(groups)
			byTask[c.Task] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

func traceSynthesises(t *Trace) bool {
	for _, c := range t.Calls {
		if len(c.Messages) == 0 || c.PadTokens > 0 || (c.Output == "" && c.CompletionTokens > 0) {
			return true
		}
	}
	return false
}

func traceInstance(t *Trace, idx []int, i int, seed uint64, tpc float64, timed bool) Instance {
	first := t.Calls[idx[0]]
	inst := Instance{ID: first.Task, Name: t.Header.Name, AtNS: -1}
	if inst.ID == "" {
		inst.ID = "call-" + strconv.Itoa(idx[0])
	}
	if timed {
		inst.AtNS = first.AtNS
	}
	var ctx []modelapi.Message // the full context of the previous call plus its output
	var cost float64
	var taskCost *float64
	for k, ci := range idx {
		c := t.Calls[ci]
		st := Step{ID: c.Step, MaxTokens: maxTokensOf(c), DelayNS: c.DelayNS}
		if st.ID == "" {
			st.ID = fmt.Sprintf("call%d", k+1)
		}
		if k > 0 && st.DelayNS == 0 && first.AtNS >= 0 {
			prev := t.Calls[idx[k-1]]
			st.DelayNS = max(0, c.AtNS-(prev.AtNS+prev.LatencyNS))
		}
		full := callMessages(c, ci, seed, tpc, &st)
		if c.PadTokens > 0 && len(full) > 0 {
			full = append([]modelapi.Message(nil), full...)
			full[0].Content += "\n\n" + SynthText(mix(seed, uint64(ci), 0xbad), c.PadTokens, tpc)
			st.PromptTokens += c.PadTokens
		}
		switch {
		case k > 0 && c.Carry:
			st.CarryAll = true
			st.Messages = full
			full = append(append([]modelapi.Message{}, ctx...), full...)
		case k > 0 && hasPrefix(full, ctx):
			st.CarryAll = true
			st.Messages = full[len(ctx):]
		default:
			st.Messages = full
		}
		st.RecordedOutput = c.Output
		if st.RecordedOutput == "" && k < len(idx)-1 { // the last call's output is never carried
			st.RecordedOutput = SynthText(mix(seed, uint64(ci), 0x0a7), c.CompletionTokens, tpc)
		}
		ctx = append(append([]modelapi.Message{}, full...), modelapi.Message{Role: "assistant", Content: st.RecordedOutput})
		recordedCall(&inst, &st, c)
		inst.Steps = append(inst.Steps, st)
		if c.CostUSD != nil {
			cost += *c.CostUSD
			inst.HasRecordedCost = true
		}
		if c.TaskCostUSD != nil {
			taskCost = c.TaskCostUSD
		}
		if c.Success != nil {
			inst.RecordedSuccess = c.Success
		}
	}
	inst.RecordedCostUSD = cost
	if taskCost != nil { // the session's own total wins over the sum of its calls
		inst.RecordedCostUSD, inst.HasRecordedCost = *taskCost, true
	}
	return inst
}

func maxTokensOf(c Call) int {
	switch {
	case c.CompletionTokens > 0:
		return c.CompletionTokens
	case c.MaxTokens > 0:
		return c.MaxTokens
	case len(c.Messages) == 0 && len(c.Digests) == 0:
		return 1 // a length-only row that recorded no output: the smallest call
	}
	return defaultMaxTokens
}

// callMessages returns the call's messages, synthesising text for calls that
// recorded only lengths, block ids or digests.
func callMessages(c Call, ci int, seed uint64, tpc float64, st *Step) []modelapi.Message {
	switch {
	case len(c.Messages) > 0:
		return c.Messages
	case len(c.Digests) > 0:
		return digestMessages(c, tpc, st)
	case len(c.HashIDs) > 0:
		st.PromptTokens = c.PromptTokens
		return []modelapi.Message{{Role: "user", Content: BlocksText(c.HashIDs, c.PromptTokens, tpc)}}
	}
	st.PromptTokens = c.PromptTokens
	return []modelapi.Message{{Role: "user", Content: SynthText(mix(seed, uint64(ci), 0x5e9), c.PromptTokens, tpc)}}
}

// digestMessages stands in for redacted messages: text of the same share of
// the recorded prompt tokens, seeded by the content hash so equal messages
// stay equal (and shared prefixes stay shared).
func digestMessages(c Call, tpc float64, st *Step) []modelapi.Message {
	chars := 0
	for _, d := range c.Digests {
		chars += d.Chars
	}
	out := make([]modelapi.Message, len(c.Digests))
	for i, d := range c.Digests {
		tokens := int(float64(d.Chars)*EstimatedTokensPerChar + 0.5)
		if c.PromptTokens > 0 && chars > 0 {
			tokens = int(float64(c.PromptTokens)*float64(d.Chars)/float64(chars) + 0.5)
		}
		st.PromptTokens += tokens
		role := d.Role
		if role == "" {
			role = "user"
		}
		out[i] = modelapi.Message{Role: role, Content: SynthText(hashSeed(d.SHA256), tokens, tpc)}
	}
	return out
}

func hashSeed(hex string) uint64 {
	var s uint64
	for i := 0; i < len(hex); i++ {
		s = s*131 + uint64(hex[i])
	}
	return mix(s, uint64(len(hex)))
}

func hasPrefix(full, prefix []modelapi.Message) bool {
	if len(prefix) == 0 || len(full) <= len(prefix) {
		return false
	}
	for i := range prefix {
		if full[i] != prefix[i] {
			return false
		}
	}
	return true
}
