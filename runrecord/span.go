package runrecord

// MeasurementWindow is run's measurement window when run.json has one,
// else SentSpan(attempts): the fallback every reader of a run uses.
func MeasurementWindow(run *Run, attempts []Attempt) Window {
	if run != nil && run.Window.EndNS > run.Window.StartNS {
		return run.Window
	}
	return SentSpan(attempts)
}

// SentSpan is the span of the measured attempts that reached the server:
// from the earliest send to the latest end, on the run clock. Attempts of
// other phases and dropped ones (never sent) are left out; an attempt with
// no phase counts as measured (records from before phases). Zero when
// there are none.
func SentSpan(attempts []Attempt) Window {
	return SpanOf(len(attempts), func(i int) (int64, int64, bool) {
		a := &attempts[i]
		return a.SentNS, a.EndNS, (a.Phase == PhaseMeasure || a.Phase == "") && a.ErrorClass != ErrDropped
	})
}

// SpanOf is SentSpan over n records of any form: rec gives record i's send
// and end, and whether it is a measured one that reached the server.
// Records that did not end after their send are left out.
func SpanOf(n int, rec func(i int) (sent, end int64, counts bool)) Window {
	var w Window
	first := true
	for i := 0; i < n; i++ {
		sent, end, ok := rec(i)
		if !ok || end <= sent {
			continue
		}
		if first || sent < w.StartNS {
			w.StartNS = sent
		}
		if first || end > w.EndNS {
			w.EndNS = end
		}
		first = false
	}
	return w
}
