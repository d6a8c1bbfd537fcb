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
	var w Window
	first := true
	for i := range attempts {
		a := &attempts[i]
		if a.Phase != PhaseMeasure && a.Phase != "" || a.ErrorClass == ErrDropped || a.EndNS <= a.SentNS {
			continue
		}
		if first || a.SentNS < w.StartNS {
			w.StartNS = a.SentNS
		}
		if first || a.EndNS > w.EndNS {
			w.EndNS = a.EndNS
		}
		first = false
	}
	return w
}
