// Package chart draws small, self-contained SVG charts (line, step, bar and
// tornado charts) for the HTML reports. Every text it writes is escaped; the
// output is safe to place in an HTML page as is.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Size of every chart, in SVG user units.
const (
	Width  = 640
	Height = 300
	padL   = 64
	padR   = 16
	padT   = 28
	padB   = 44
)

// Palette is the series colours, in order.
var palette = []string{"#1f6fb2", "#d9622b", "#2e9e52", "#8e44ad", "#c0392b", "#7f8c8d", "#b7950b", "#16a085"}

// Series is one line of a chart.
type Series struct {
	Name string
	X, Y []float64
	// Step draws a step line (for CDFs).
	Step bool
	// Points draws markers at each point.
	Points bool
	// Labels, when given, name each point (its load, say) beside its marker;
	// Ring rings point Ring-1 (0: none).
	Labels []string
	Ring   int
}

// Marker is a vertical line at X, labelled.
type Marker struct {
	X     float64
	Label string
}

// Line is a line chart.
type Line struct {
	Title, XLabel, YLabel string
	Series                []Series
	Markers               []Marker
	// LogX and LogY draw an axis on a log scale (when its values are positive).
	LogX, LogY bool
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// NotMeasured draws an empty frame saying why there is no chart.
func NotMeasured(title, why string) template.HTML {
	var b strings.Builder
	open(&b, title)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#f6f6f6" stroke="#ccc"/>`, padL, padT, Width-padL-padR, Height-padT-padB)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="nm">%s</text>`, (Width+padL-padR)/2, Height/2, esc(why))
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func open(b *strings.Builder, title string) { openSized(b, title, Height) }

// openSized starts a chart of the standard width and the given height (bar
// charts grow with their number of bars so labels never overlap).
func openSized(b *strings.Builder, title string, height int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" class="chart">`, Width, height, Width, height, esc(title))
	fmt.Fprintf(b, `<text x="%d" y="18" class="title">%s</text>`, padL, esc(title))
}

// scale maps data to pixels.
type scale struct {
	lo, hi, p0, p1 float64
	log            bool
}

func (s scale) at(v float64) float64 {
	if s.log {
		v, s.lo, s.hi = math.Log10(math.Max(v, 1e-12)), math.Log10(s.lo), math.Log10(s.hi)
	}
	if s.hi == s.lo {
		return (s.p0 + s.p1) / 2
	}
	return s.p0 + (v-s.lo)/(s.hi-s.lo)*(s.p1-s.p0)
}

func bounds(vals [][]float64, extra ...float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, vs := range vals {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for _, v := range extra {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if math.IsInf(lo, 0) {
		return 0, 1, false
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
		if lo < 0 && hi-1 >= 0 {
			lo = 0
		}
	}
	return lo, hi, true
}

// ticks returns about n round tick values covering [lo, hi].
func ticks(lo, hi float64, n int) []float64 {
	span := hi - lo
	step := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= float64(n) {
			step *= m
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v)
	}
	return out
}

func logTicks(lo, hi float64) []float64 {
	var out []float64
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo && v <= hi {
				out = append(out, v)
			}
		}
	}
	return out
}

// Fmt formats a number compactly for axis labels and tables.
func Fmt(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case a >= 1e4:
		return fmt.Sprintf("%.3gk", v/1e3)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 1:
		return trim(fmt.Sprintf("%.2f", v))
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func trim(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func axes(b *strings.Builder, xs, ys scale, xt, yt []float64, xl, yl string) {
	x0, x1, y0, y1 := xs.p0, xs.p1, ys.p0, ys.p1
	for _, t := range yt {
		y := ys.at(t)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>`, x0, y, x1, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" class="tick">%s</text>`, x0-4, y+4, esc(Fmt(t)))
	}
	for _, t := range xt {
		x := xs.at(t)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>`, x, y0, x, y1)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="tick">%s</text>`, x, y0+14, esc(Fmt(t)))
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="frame"/>`, x0, y1, x1-x0, y0-y1)
	fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>`, (x0+x1)/2, Height-6, esc(xl))
	fmt.Fprintf(b, `<text transform="translate(14 %.1f) rotate(-90)" text-anchor="middle" class="axis">%s</text>`, (y0+y1)/2, esc(yl))
}
