package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"github.com/tcobench/tcobench/modelapi"

	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// TraceFormat names the JSONL trace format in its header line.
const TraceFormat = "tcobench-trace"

// OrderCompletion is TraceHeader.Order of a trace whose calls were written
// as they finished.
const OrderCompletion = "completion"

// TraceHeader is the first line of a JSONL trace.
type TraceHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Name    string `json:"name"`
	// Source says where the calls came from (a file, a recording proxy).
	Source string `json:"source,omitempty"`
	Replay string `json:"replay,omitempty"`
	// Arrival is "trace" (replay at_ns) or the process that spaces the
	// instances of a trace without timestamps.
	Arrival TraceArrival `json:"arrival"`
	// TimestampPolicy says how coarse source timestamps were turned into at_ns.
	TimestampPolicy string `json:"timestamp_policy,omitempty"`
	// BlockTokens is the prompt block size of hash_ids (Mooncake: 512).
	BlockTokens int `json:"block_tokens,omitempty"`
	// Redacted is true when calls keep only lengths and content hashes.
	Redacted bool `json:"redacted,omitempty"`
	// Order is OrderCompletion when calls were written as they finished
	// (tcobench record), so at_ns may go backwards in the file; readers
	// sort such a trace by at_ns. Empty: calls are in arrival order.
	Order string   `json:"order,omitempty"`
	Notes []string `json:"notes,omitempty"`
}

// TraceArrival is the arrival process of a trace.
type TraceArrival struct {
	Process     runrecord.ArrivalMode `json:"process"`
	RatePerS    float64               `json:"rate_per_s,omitempty"`
	GammaShape  float64               `json:"gamma_shape,omitempty"`
	Users       int                   `json:"users,omitempty"`
	ThinkTimeNS int64                 `json:"think_time_ns,omitempty"`
}

// Call is one recorded LLM call, one line of a trace after the header.
type Call struct {
	// AtNS is the call's arrival from the trace start; -1 when the trace has
	// no timestamps.
	AtNS int64 `json:"at_ns"`
	// Task groups calls into one task instance (in order); empty: a task of its own.
	Task string `json:"task,omitempty"`
	// TaskKey names the source's task (the same for repeated trials of one
	// task, as tau2's task_id), on the task's first call; empty: Task.
	TaskKey string `json:"task_key,omitempty"`
	Step    string `json:"step,omitempty"`
	Model   string `json:"model,omitempty"`
	// Messages are the request's messages. With Carry false they are the
	// whole context as sent; with Carry true they are only the new messages
	// after the task's earlier calls and outputs.
	Messages []modelapi.Message `json:"messages,omitempty"`
	Carry    bool               `json:"carry,omitempty"`
	// PadTokens is synthesised text appended to the call's first message on
	// replay, standing in for prompt tokens the source counted but did not
	// record (tau2: the provider's tool-use preamble and tool schemas).
	PadTokens int `json:"pad_tokens,omitempty"`
	// Digests replace Messages in a redacted trace.
	Digests []Digest `json:"digests,omitempty"`
	// HashIDs are prompt block ids (equal ids: identical prefix blocks).
	HashIDs          []int64 `json:"hash_ids,omitempty"`
	PromptTokens     int     `json:"prompt_tokens,omitempty"`
	CompletionTokens int     `json:"completion_tokens,omitempty"`
	MaxTokens        int     `json:"max_tokens,omitempty"`
	Stream           bool    `json:"stream,omitempty"`
	Output           string  `json:"output,omitempty"`
	OutputDigest     *Digest `json:"output_digest,omitempty"`
	// DelayNS is the tool or think time before the call, when the source
	// recorded it; otherwise the gap since the task's previous call ended.
	DelayNS   int64  `json:"delay_ns,omitempty"`
	LatencyNS int64  `json:"latency_ns,omitempty"`
	Status    int    `json:"status,omitempty"`
	Error     string `json:"error,omitempty"`
	// CostUSD is this call's recorded API cost; TaskCostUSD the whole task's
	// (on its first call); Success the task's recorded outcome.
	CostUSD     *float64 `json:"cost_usd,omitempty"`
	TaskCostUSD *float64 `json:"task_cost_usd,omitempty"`
	Success     *bool    `json:"success,omitempty"`
}

// Digest stands for a message's content in a redacted trace.
type Digest struct {
	Role   string `json:"role,omitempty"`
	Chars  int    `json:"chars"`
	SHA256 string `json:"sha256"`
}

// Trace is a decoded JSONL trace.
type Trace struct {
	Header TraceHeader
	Calls  []Call
	// Lines holds each call's line number in the file it was read from.
	Lines []int
}

// WriteTrace writes t as JSONL: the header, then one call a line.
func WriteTrace(w io.Writer, t *Trace) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	h := t.Header
	h.Format, h.Version = TraceFormat, FormatVersion
	if err := enc.Encode(h); err != nil {
		return err
	}
	for i := range t.Calls {
		if err := enc.Encode(&t.Calls[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadTrace decodes a JSONL trace strictly (unknown fields are errors). Bad
// call lines are refused with file:line, or skipped and reported when
// skipBad is set.
func ReadTrace(name string, r io.Reader, skipBad bool) (*Trace, *ImportReport, error) {
	rep := &ImportReport{File: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	t := &Trace{}
	line, sawHeader := 0, false
	var last int64 = -1
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if !sawHeader {
			if err := decodeStrict(b, &t.Header); err != nil {
				var se *json.SyntaxError
				if errors.As(err, &se) {
					return nil, nil, fmt.Errorf("%s:%d: not a tcobench trace: line 1 must be a JSON header {\"format\": %q, ...} (%w); a YAML workload or a public trace (azure, mooncake, tau2, lengths CSV) goes through its own reader or tcobench workloads import --format", name, line, TraceFormat, err)
				}
				return nil, nil, fmt.Errorf("%s:%d: trace header: %w", name, line, err)
			}
			if err := checkHeader(t.Header); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: trace header: %w", name, line, err)
			}
			sawHeader = true
			continue
		}
		rep.Rows++
		var c Call
		err := decodeStrict(b, &c)
		if err == nil {
			err = checkCall(&c, last, t.Header.Order == OrderCompletion)
		}
		if err != nil {
			rep.Bad = append(rep.Bad, Problem{File: name, Line: line, Msg: err.Error()})
			continue
		}
		if c.AtNS >= 0 {
			last = c.AtNS
		}
		t.Calls = append(t.Calls, c)
		t.Lines = append(t.Lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if !sawHeader {
		return nil, nil, fmt.Errorf("%s: empty trace (want a header line {\"format\":%q,...})", name, TraceFormat)
	}
	if t.Header.Order == OrderCompletion {
		t.sortByArrival()
	}
	rep.Imported = len(t.Calls)
	if err := rep.check(skipBad); err != nil {
		return nil, rep, err
	}
	return t, rep, nil
}

// sortByArrival puts the calls of a completion-ordered trace in arrival
// order (stable: calls that arrived together keep their file order); the
// trace is then in arrival order.
func (t *Trace) sortByArrival() {
	idx := make([]int, len(t.Calls))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return t.Calls[idx[a]].AtNS < t.Calls[idx[b]].AtNS })
	calls, lines := make([]Call, len(idx)), make([]int, len(idx))
	for i, j := range idx {
		calls[i], lines[i] = t.Calls[j], t.Lines[j]
	}
	t.Calls, t.Lines, t.Header.Order = calls, lines, ""
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value on the line")
	}
	return nil
}

func checkHeader(h TraceHeader) error {
	if h.Format != TraceFormat {
		return fmt.Errorf("field format: want %q, got %s", TraceFormat, snippet(h.Format))
	}
	if h.Version != FormatVersion {
		return fmt.Errorf("field version: want %d, got %d", FormatVersion, h.Version)
	}
	if h.Order != "" && h.Order != OrderCompletion {
		return fmt.Errorf("field order: want %q or nothing, got %s", OrderCompletion, snippet(h.Order))
	}
	if h.Replay != "" && h.Replay != ReplayRecorded && h.Replay != ReplayLive {
		return fmt.Errorf("field replay: want %q or %q, got %s", ReplayRecorded, ReplayLive, snippet(h.Replay))
	}
	switch h.Arrival.Process {
	case runrecord.ArrivalTrace:
	case runrecord.ArrivalConstant, runrecord.ArrivalPoisson, runrecord.ArrivalGamma:
		if !(h.Arrival.RatePerS > 0) {
			return fmt.Errorf("field arrival.rate_per_s: want a rate above 0 tasks/s")
		}
	case runrecord.ArrivalClosed:
		if h.Arrival.Users < 1 {
			return fmt.Errorf("field arrival.users: want at least 1")
		}
	case "":
		return errors.New("field arrival.process: missing (trace, closed, constant, poisson or gamma)")
	default:
		return fmt.Errorf("field arrival.process: unknown process %s (trace, closed, constant, poisson or gamma)", snippet(string(h.Arrival.Process)))
	}
	return nil
}

func checkCall(c *Call, last int64, anyOrder bool) error {
	switch {
	case c.AtNS < -1:
		return fmt.Errorf("field at_ns: negative (%d)", c.AtNS)
	case !anyOrder && c.AtNS >= 0 && c.AtNS < last:
		return fmt.Errorf("field at_ns: timestamp goes backwards (%d ns after %d ns)", c.AtNS, last)
	case c.PromptTokens < 0 || c.CompletionTokens < 0 || c.MaxTokens < 0:
		return fmt.Errorf("field prompt_tokens/completion_tokens/max_tokens: negative length")
	case c.PromptTokens > MaxTokens || c.CompletionTokens > MaxTokens || c.MaxTokens > MaxTokens:
		return fmt.Errorf("field prompt_tokens/completion_tokens/max_tokens: above the limit of %d tokens", MaxTokens)
	case c.PadTokens < 0 || c.PadTokens > MaxTokens:
		return fmt.Errorf("field pad_tokens: %d out of range (0 to %d)", c.PadTokens, MaxTokens)
	case c.DelayNS < 0 || c.LatencyNS < 0:
		return fmt.Errorf("field delay_ns/latency_ns: negative")
	case len(c.Messages) == 0 && len(c.Digests) == 0 && c.PromptTokens == 0:
		return fmt.Errorf("field messages: a call needs messages, digests or prompt_tokens")
	}
	for i, m := range c.Messages {
		if !roles[m.Role] {
			return fmt.Errorf("field messages[%d].role: want system, user, assistant or tool, got %s", i, snippet(m.Role))
		}
	}
	if len(c.Messages) > MaxMessages || len(c.Digests) > MaxMessages {
		return fmt.Errorf("field messages: %d messages, above the limit of %d", max(len(c.Messages), len(c.Digests)), MaxMessages)
	}
	for i, d := range c.Digests {
		if d.Chars < 0 || d.Chars > 100*MaxTokens {
			return fmt.Errorf("field digests[%d].chars: %d out of range (0 to %d)", i, d.Chars, 100*MaxTokens)
		}
	}
	for i, id := range c.HashIDs {
		if id < 0 {
			return fmt.Errorf("field hash_ids[%d]: negative", i)
		}
	}
	return nil
}

// ImportReport says how many rows an import or trace read saw and which it refused.
type ImportReport struct {
	File     string
	Rows     int
	Imported int
	Bad      []Problem
}

// BadRowsError refuses an import with bad rows.
type BadRowsError struct{ Report *ImportReport }

// Error names the first bad rows and the count.
func (e *BadRowsError) Error() string {
	var b strings.Builder
	for i, p := range e.Report.Bad {
		if i == 3 {
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	fmt.Fprintf(&b, " (%d bad row(s) of %d; --skip-bad imports the rest)", len(e.Report.Bad), e.Report.Rows)
	return b.String()
}

func (r *ImportReport) check(skipBad bool) error {
	if len(r.Bad) > 0 && !skipBad {
		return &BadRowsError{r}
	}
	if r.Imported == 0 {
		return fmt.Errorf("%s: no usable rows (%d bad)", r.File, len(r.Bad))
	}
	return nil
}
