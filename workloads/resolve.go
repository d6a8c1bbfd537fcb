package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"github.com/tcobench/tcobench/modelapi"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template"
)

// ResolveOptions are the run's choices that shape a Plan.
type ResolveOptions struct {
	// Seed, when set, overrides the workload's seed.
	Seed *uint64
	// Replay, when set ("recorded" or "live"), overrides the workload's mode.
	Replay string
	// Calibration is the target's measured tokens-per-char ratio for
	// synthesised text; nil uses EstimatedTokensPerChar and the plan says
	// PromptLengths "estimated".
	Calibration *Calibration
	// Arrival, when set, replaces the arrival process of a workload or of a
	// trace without timestamps (length-only CSVs). A timestamped trace keeps
	// its recorded arrivals unless Arrival.Process is not "trace".
	Arrival *Arrival
}

func (o ResolveOptions) tokensPerChar() float64 {
	if o.Calibration != nil && o.Calibration.TokensPerChar > 0 {
		return o.Calibration.TokensPerChar
	}
	return EstimatedTokensPerChar
}

func (o ResolveOptions) lengthsLabel() string {
	if o.Calibration != nil && o.Calibration.TokensPerChar > 0 {
		return "calibrated"
	}
	return "estimated"
}

// readFunc reads a file named relative to the workload.
type readFunc func(name string) ([]byte, error)

var templateFuncs = template.FuncMap{
	// truncate cuts s to at most n bytes.
	"truncate": func(n int, s string) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	},
	// json renders v as JSON.
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

// resolver renders instances of a decoded workload.
type resolver struct {
	f       *File
	seed    uint64
	tpc     float64
	content map[string][]map[string]any
	tmpl    map[string]*template.Template
	cum     []float64
	checks  *checkState
}

// Resolve turns a decoded workload into a Plan. read opens content and trace
// files named relative to the workload; source names it in the plan.
func Resolve(f *File, source string, read func(name string) ([]byte, error), opts ResolveOptions) (*Plan, error) {
	if f.Arrival.Process == runrecord.ArrivalTrace {
		return resolveTraceRef(f, source, read, opts)
	}
	r := &resolver{f: f, tpc: opts.tokensPerChar(), content: map[string][]map[string]any{}, tmpl: map[string]*template.Template{}}
	if f.Seed != nil {
		r.seed = *f.Seed
	}
	if opts.Seed != nil {
		r.seed = *opts.Seed
	}
	for name, c := range f.Content {
		recs, err := loadContent(read, c.File)
		if err != nil {
			return nil, fmt.Errorf("workload %s: content %s: %w", f.Name, name, err)
		}
		r.content[name] = recs
	}
	total := 0.0
	for _, t := range f.Tasks {
		w := t.Weight
		if w == 0 {
			w = 1
		}
		total += w
		r.cum = append(r.cum, total)
	}
	if err := r.parseTemplates(); err != nil {
		return nil, fmt.Errorf("workload %s: %w", f.Name, err)
	}
	var checked Plan
	if err := r.prepareChecks(read, &checked); err != nil {
		return nil, err
	}
	for ti := range f.Tasks {
		if _, err := r.build(ti, 0); err != nil {
			if ce := (*CheckError)(nil); errors.As(err, &ce) {
				return nil, ce
			}
			return nil, fmt.Errorf("workload %s: task %s: %w", f.Name, f.Tasks[ti].Name, err)
		}
	}
	p := &Plan{
		Name: f.Name, Source: source, ReplayMode: pick(opts.Replay, f.Replay, ReplayRecorded),
		Arrival: arrivalOf(f.Arrival, r.seed), Len: -1, HasChecks: checked.HasChecks, Judges: checked.Judges,
	}
	if opts.Arrival != nil {
		p.Arrival = *opts.Arrival
		p.Arrival.Seed = r.seed
	}
	if f.synthesises() {
		p.PromptLengths = opts.lengthsLabel()
	}
	p.Instance = func(i int) (Instance, bool) {
		if i < 0 {
			return Instance{}, false
		}
		rng := rngFor(r.seed, uint64(i), 0x7a5c)
		ti := r.pickTask(rng.Float64() * total)
		inst, err := r.build(ti, i)
		if err != nil { // checked for every task at resolve time
			return Instance{}, false
		}
		return inst, true
	}
	return p, nil
}

func pick(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func arrivalOf(a ArrivalSpec, seed uint64) Arrival {
	return Arrival{Process: a.Process, RatePerS: a.RatePerS, GammaShape: a.GammaShape,
		Users: a.Users, ThinkTimeNS: int64(a.ThinkTime), Seed: seed}
}

func (f *File) synthesises() bool {
	for _, t := range f.Tasks {
		for _, s := range t.Steps {
			if s.RecordedOutput == "" {
				return true
			}
			for _, m := range s.Messages {
				if m.Tokens != nil {
					return true
				}
			}
		}
	}
	return false
}

func (r *resolver) pickTask(x float64) int {
	for i, c := range r.cum {
		if x < c {
			return i
		}
	}
	return len(r.cum) - 1
}

// build renders instance i as task ti.
func (r *resolver) build(ti, i int) (Instance, error) {
	t := r.f.Tasks[ti]
	rng := rngFor(r.seed, uint64(i), 0x1257)
	data := r.pickContent(rng)
	inst := Instance{ID: fmt.Sprintf("%s-%d", t.Name, i), Name: t.Name, AtNS: -1, RecordedSuccess: t.Success}
	if t.RecordedCostUSD != nil {
		inst.RecordedCostUSD, inst.HasRecordedCost = *t.RecordedCostUSD, true
	}
	carried := carriedSteps(t)
	for j, s := range t.Steps {
		st := Step{ID: stepID(s, j), DependsOn: s.DependsOn, MaxTokens: s.MaxTokens,
			Carry: s.Carry.Steps, CarryAll: s.Carry.All, RecordedOutput: s.RecordedOutput}
		if s.Delay != nil {
			st.DelayNS = int64(min(s.Delay.Sample(rng), float64(MaxDelay)))
		}
		for k, m := range s.Messages {
			text, tokens, err := r.render(m, data, mix(r.seed, uint64(i), uint64(j), uint64(k)))
			if err != nil {
				return Instance{}, fmt.Errorf("step %s message %d: %w", st.ID, k, err)
			}
			st.PromptTokens += tokens
			st.Messages = append(st.Messages, modelapi.Message{Role: m.Role, Content: text})
		}
		if st.RecordedOutput == "" && carried[j] { // an output nothing carries is never built
			n := s.OutputTokens
			if n == 0 {
				n = s.MaxTokens
			}
			st.RecordedOutput = SynthText(mix(r.seed, uint64(i), uint64(j), 0x0a7), n, r.tpc)
		}
		inst.Steps = append(inst.Steps, st)
	}
	if err := r.resolveChecks(&inst, &r.f.Tasks[ti], data); err != nil {
		return Instance{}, err
	}
	return inst, nil
}

// carriedSteps marks the steps whose output a later step carries.
func carriedSteps(t TaskSpec) []bool {
	out := make([]bool, len(t.Steps))
	for k, s := range t.Steps {
		for j := 0; j < k; j++ {
			if s.Carry.All || slices.Contains(s.Carry.Steps, stepID(t.Steps[j], j)) {
				out[j] = true
			}
		}
	}
	return out
}

func (r *resolver) render(m MessageSpec, data map[string]any, seed uint64) (string, int, error) {
	switch {
	case m.Tokens != nil:
		n := int(min(m.Tokens.Sample(rngFor(seed)), MaxTokens))
		return SynthText(seed, n, r.tpc), n, nil
	case m.Template != "":
		t, ok := r.tmpl[m.Template]
		if !ok {
			return "", 0, fmt.Errorf("template not parsed")
		}
		var b bytes.Buffer
		if err := t.Execute(&b, data); err != nil {
			return "", 0, fmt.Errorf("template: %w", err)
		}
		return strings.TrimSpace(b.String()), 0, nil
	}
	return m.Text, 0, nil
}

// pickContent draws each content source's records for one instance.
func (r *resolver) pickContent(rng interface{ IntN(int) int }) map[string]any {
	data := map[string]any{}
	for _, name := range sortedKeys(r.content) {
		recs := r.content[name]
		n := r.f.Content[name].Pick
		if n <= 1 {
			data[name] = recs[rng.IntN(len(recs))]
			continue
		}
		idx := map[int]bool{}
		var list []map[string]any
		for len(list) < n && len(list) < len(recs) {
			k := rng.IntN(len(recs))
			if !idx[k] {
				idx[k] = true
				list = append(list, recs[k])
			}
		}
		data[name] = list
	}
	return data
}

// parseTemplates parses every message template once, so that Instance only
// reads shared state and is safe to call from several goroutines.
func (r *resolver) parseTemplates() error {
	for _, t := range r.f.Tasks {
		for _, s := range t.Steps {
			for _, m := range s.Messages {
				if m.Template == "" || r.tmpl[m.Template] != nil {
					continue
				}
				tt, err := parseTemplate(m.Template)
				if err != nil {
					return fmt.Errorf("task %s: %w", t.Name, err)
				}
				r.tmpl[m.Template] = tt
			}
		}
	}
	return nil
}
