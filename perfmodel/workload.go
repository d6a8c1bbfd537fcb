package perfmodel

import (
	"fmt"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// Task is one task instance to simulate: its steps, as the engine would send them.
type Task struct {
	ID, Name string
	// AtNS is the recorded arrival offset (traces, replayed runs), or -1.
	AtNS  int64
	Steps []Step
}

// Step is one request of a task.
type Step struct {
	ID string
	// Deps are the indices of the steps this one waits for (none: the arrival).
	Deps    []int
	DelayNS int64
	// Prompt is the whole prompt in tokens; Cached the part a prefix cache
	// holds from the steps before (their carried context); Out the output.
	Prompt, Cached, Out int
}

// Workload is what a simulation replays: task instances and how they arrive.
type Workload struct {
	Name    string
	Arrival workloads.Arrival
	// Task returns instance i; false past the end of a finite workload.
	Task func(i int) (Task, bool)
	// Len is the number of instances of a finite workload, -1 for endless.
	Len int
	// Lengths says how token lengths were sized, for people.
	Lengths string
}

// charsPerToken sizes text that was not synthesised to a length (about
// four characters a token, as tcobench estimates a prompt without usage).
const charsPerToken = 4

// msgOverhead is the chat template's tokens around each message (role markers).
const msgOverhead = 4

// FromPlan turns a resolved workload plan into simulation tasks: each step's
// prompt is what the engine would send (carried steps' messages and
// outputs, then its own), sized from the synthesised lengths where the plan
// has them and at four characters a token otherwise; each output is the
// step's recorded output capped at max_tokens, else max_tokens (every reply
// assumed to run to its limit).
func FromPlan(p *workloads.Plan) *Workload {
	w := &Workload{Name: p.Name, Arrival: p.Arrival, Len: p.Len,
		Lengths: "prompts from the workload's text (synthesised lengths as specified, other text at 4 characters a token); outputs at the recorded output, capped at max_tokens, else max_tokens"}
	w.Task = func(i int) (Task, bool) {
		if p.Len >= 0 && i >= p.Len {
			return Task{}, false
		}
		inst, ok := p.Instance(i)
		if !ok {
			return Task{}, false
		}
		return taskOf(&inst, i, p.ReplayMode == workloads.ReplayLive), true
	}
	return w
}

func msgTokens(m modelapi.Message) int {
	return (len(m.Content)+charsPerToken-1)/charsPerToken + msgOverhead
}

func taskOf(inst *workloads.Instance, n int, live bool) Task {
	t := Task{ID: inst.ID, Name: inst.Name, AtNS: inst.AtNS}
	if t.ID == "" {
		t.ID = fmt.Sprintf("task-%d", n)
	}
	own := make([]int, len(inst.Steps))
	outs := make([]int, len(inst.Steps))
	index := map[string]int{}
	for i, s := range inst.Steps {
		index[s.ID] = i
		if s.PromptTokens > 0 {
			own[i] = s.PromptTokens + msgOverhead*len(s.Messages)
		} else {
			for _, m := range s.Messages {
				own[i] += msgTokens(m)
			}
		}
		outs[i] = s.MaxTokens
		if s.RecordedOutput != "" {
			outs[i] = min(s.MaxTokens, msgTokens(modelapi.Message{Content: s.RecordedOutput}))
		}
		if outs[i] <= 0 {
			outs[i] = 1
		}
	}
	for i, s := range inst.Steps {
		st := Step{ID: s.ID, DelayNS: s.DelayNS, Out: outs[i]}
		carried := carriedSteps(inst, i)
		for _, j := range carried {
			st.Prompt += own[j]
			switch {
			case live:
				st.Prompt += outs[j] + msgOverhead
			case inst.Steps[j].RecordedOutput != "":
				st.Prompt += msgTokens(modelapi.Message{Content: inst.Steps[j].RecordedOutput})
			}
		}
		// The prefix cache holds the carried context when it is the
		// previous steps' whole context, in order.
		if len(carried) == i && i > 0 {
			st.Cached = st.Prompt
		}
		st.Prompt += own[i]
		st.Deps = depsOf(inst, i, index)
		t.Steps = append(t.Steps, st)
	}
	return t
}

// carriedSteps lists, in order, the earlier steps whose messages step i carries.
func carriedSteps(inst *workloads.Instance, i int) []int {
	s := inst.Steps[i]
	var out []int
	for j := 0; j < i; j++ {
		carry := s.CarryAll
		for _, id := range s.Carry {
			carry = carry || inst.Steps[j].ID == id
		}
		if carry {
			out = append(out, j)
		}
	}
	return out
}

func depsOf(inst *workloads.Instance, i int, index map[string]int) []int {
	s := inst.Steps[i]
	if len(s.DependsOn) == 0 {
		if i == 0 {
			return nil
		}
		return []int{i - 1}
	}
	var out []int
	for _, id := range s.DependsOn {
		if j, ok := index[id]; ok && j != i {
			out = append(out, j)
		}
	}
	return out
}

// FromAttempts rebuilds the workload a run sent from its measured attempts:
// tasks in order of arrival, each step's measured prompt and output tokens
// (the prompt's cached part from the usage report, or from Ollama's own
// count of the prompt tokens it evaluated), its delay and its arrival
// offset (for replaying an open-loop run).
func FromAttempts(name string, atts []runrecord.Attempt) *Workload {
	var tasks []Task
	index := map[string]int{}
	for _, a := range atts {
		if !a.OK || a.Tokens.Output < 1 {
			continue
		}
		k, ok := index[a.TaskID]
		if !ok {
			k = len(tasks)
			index[a.TaskID] = k
			tasks = append(tasks, Task{ID: a.TaskID, Name: a.TaskName, AtNS: a.ScheduledNS - a.DelayNS})
		}
		t := &tasks[k]
		st := Step{ID: a.StepID, DelayNS: a.DelayNS, Prompt: a.Tokens.Input, Cached: a.Tokens.CachedInput, Out: a.Tokens.Output}
		if s := a.Server; s != nil && s.PromptEvalTok > 0 && s.PromptEvalTok < st.Prompt {
			st.Cached = max(st.Cached, st.Prompt-s.PromptEvalTok) // Ollama evaluates only the uncached part
		}
		if n := len(t.Steps); n > 0 {
			st.Deps = []int{n - 1}
		}
		t.Steps = append(t.Steps, st)
	}
	w := &Workload{Name: name, Len: len(tasks), Lengths: "the run's measured token counts per request"}
	w.Task = func(i int) (Task, bool) {
		if i < 0 || i >= len(tasks) {
			return Task{}, false
		}
		return tasks[i], true
	}
	return w
}

// Cycled is the workload repeated without end (task ids made unique), for
// load searches that need more tasks than a run recorded.
func (w *Workload) Cycled() *Workload {
	if w.Len <= 0 {
		return w
	}
	c := *w
	c.Len = -1
	c.Task = func(i int) (Task, bool) {
		t, ok := w.Task(i % w.Len)
		if ok && i >= w.Len {
			t.ID = fmt.Sprintf("%s#%d", t.ID, i/w.Len)
		}
		return t, ok
	}
	return &c
}
