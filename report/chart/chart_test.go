package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

// wellFormed checks that an SVG parses as XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, svg)
			}
			return
		}
	}
}

func TestChartsEscapeAndParse(t *testing.T) {
	evil := `<script>x</script>&"`
	cases := map[string]string{
		"line":      string(Line{Title: evil, XLabel: evil, YLabel: "y", Series: []Series{{Name: evil, X: []float64{1, 2, 3}, Y: []float64{3, 1, 2}}}, Markers: []Marker{{X: 2, Label: evil}}}.SVG()),
		"log":       string(Line{Title: "t", LogX: true, LogY: true, Series: []Series{CDF("a", []float64{1, 10, 100, 1000})}}.SVG()),
		"bars":      string(Bars{Title: evil, Unit: "USD", Bars: []Bar{{Label: evil, Value: 2}, {Label: "b", Value: 0, Highlight: true}}}.SVG()),
		"tornado":   string(Tornado{Title: evil, Base: -1, Bars: []TornadoBar{{Label: evil, Low: -2, High: 0.5}, {Label: "b", Low: -1.1, High: -0.9}}}.SVG()),
		"empty":     string(Line{Title: evil}.SVG()),
		"nobars":    string(Bars{Title: "t"}.SVG()),
		"scatter":   string(Scatter{Title: evil, XLabel: "pass rate %", YLabel: "USD", LogY: true, Points: []Point{{Label: evil, X: 60, Y: 0.01, Marked: true}, {Label: "b", X: 95, Y: 0.2}}}.SVG()),
		"noscatter": string(Scatter{Title: "t"}.SVG()),
	}
	for name, svg := range cases {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(svg, "<script") {
				t.Error("unescaped text")
			}
			wellFormed(t, svg)
		})
	}
	if !strings.Contains(cases["empty"], "not measured on this run") || !strings.Contains(cases["nobars"], "not measured on this run") {
		t.Error("an empty chart does not say so")
	}
}

func TestTicks(t *testing.T) {
	got := ticks(0, 10, 5)
	if len(got) < 3 || got[0] != 0 || got[len(got)-1] != 10 {
		t.Errorf("ticks %v", got)
	}
	if lt := logTicks(1, 1000); len(lt) != 10 {
		t.Errorf("log ticks %v", lt)
	}
	for v, want := range map[float64]string{0: "0", 1234: "1234", 12345: "12.3k", 2.5: "2.5", 0.00123: "0.00123", 3e6: "3M"} {
		if got := Fmt(v); got != want {
			t.Errorf("Fmt(%g) = %s, want %s", v, got, want)
		}
	}
}

// A point's label reads to its right, unless it would run past the chart's
// right edge: then it sits to its left.
func TestScatterLabelsStayInside(t *testing.T) {
	svg := string(Scatter{Title: "t", Points: []Point{{Label: "left option", X: 10, Y: 1}, {Label: "a long option name at the right", X: 100, Y: 2}}}.SVG())
	if !strings.Contains(svg, `text-anchor="start" class="mlabel">left option<`) {
		t.Errorf("the left point's label does not read to its right:\n%s", svg)
	}
	if !strings.Contains(svg, `text-anchor="end" class="mlabel">a long option name at the right<`) {
		t.Errorf("the right point's label runs past the edge:\n%s", svg)
	}
}
