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
// requests that reached the server (runrecord.SpanOf, as for attempts).
func window(run *runrecord.Run, reqs []Request) runrecord.Window {
	if w := runrecord.MeasurementWindow(run, nil); w.EndNS > w.StartNS {
		return w
	}
	return runrecord.SpanOf(len(reqs), func(i int) (int64, int64, bool) {
		r := &reqs[i]
		return r.SentNS, r.EndNS, (r.Measured || r.NoPhase) && r.Sent
	})
}
