package runrecord

import "testing"

func TestSentSpan(t *testing.T) {
	atts := []Attempt{
		{Phase: PhaseWarmup, SentNS: 1, EndNS: 100},
		{Phase: PhaseMeasure, SentNS: 20, EndNS: 50},
		{Phase: PhaseMeasure, ErrorClass: ErrDropped, SentNS: 0, EndNS: 90},
		{Phase: "", SentNS: 30, EndNS: 70},
		{Phase: PhaseMeasure}, // never sent
	}
	if got, want := SentSpan(atts), (Window{StartNS: 20, EndNS: 70}); got != want {
		t.Fatalf("SentSpan = %+v, want %+v", got, want)
	}
	if got := SentSpan(nil); got != (Window{}) {
		t.Fatalf("SentSpan(nil) = %+v, want zero", got)
	}
	run := &Run{Window: Window{StartNS: 5, EndNS: 6}}
	if got := MeasurementWindow(run, atts); got != run.Window {
		t.Fatalf("MeasurementWindow = %+v, want run.json's %+v", got, run.Window)
	}
	if got := MeasurementWindow(&Run{}, atts); got != (Window{StartNS: 20, EndNS: 70}) {
		t.Fatalf("MeasurementWindow without one in run.json = %+v, want the sent span", got)
	}
}
