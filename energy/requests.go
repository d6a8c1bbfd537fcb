package energy

import "github.com/tcobench/tcobench/runrecord"

// Request is what the accounting needs of one attempt: small (64 bytes),
// so that a long run's attempts can be read back from requests.jsonl at
// its end instead of being kept while it runs.
type Request struct {
	TaskID, TaskName string
	SentNS, EndNS    int64
	OutputTokens     int
	// Measured: the attempt is of the measurement phase; NoPhase: it has
	// no phase (records from before phases, counted as measured in the
	// window); Sent: it reached the server (not dropped).
	Measured, NoPhase, OK, Sent bool
}

// RequestOf is the part of a the accounting reads.
func RequestOf(a *runrecord.Attempt) Request {
	return Request{TaskID: a.TaskID, TaskName: a.TaskName, SentNS: a.SentNS, EndNS: a.EndNS, OutputTokens: a.Tokens.Output,
		Measured: a.Phase == runrecord.PhaseMeasure, NoPhase: a.Phase == "", OK: a.OK, Sent: a.ErrorClass != runrecord.ErrDropped}
}

// Requests is RequestOf each attempt.
func Requests(attempts []runrecord.Attempt) []Request {
	out := make([]Request, len(attempts))
	for i := range attempts {
		out[i] = RequestOf(&attempts[i])
	}
	return out
}

// inFlight says whether r was sent and has a span (SentNS may be 0 for a
// request sent at the run's clock zero; dropped attempts were never sent).
func (r *Request) inFlight() bool { return r.EndNS > r.SentNS && r.Sent }

// window is the run's measurement window, else the span of the measured
// requests that reached the server (as runrecord.SentSpan over attempts).
func window(run *runrecord.Run, reqs []Request) runrecord.Window {
	if w := runrecord.MeasurementWindow(run, nil); w.EndNS > w.StartNS {
		return w
	}
	var w runrecord.Window
	first := true
	for i := range reqs {
		r := &reqs[i]
		if !r.Measured && !r.NoPhase || !r.inFlight() {
			continue
		}
		if first || r.SentNS < w.StartNS {
			w.StartNS = r.SentNS
		}
		if first || r.EndNS > w.EndNS {
			w.EndNS = r.EndNS
		}
		first = false
	}
	return w
}
