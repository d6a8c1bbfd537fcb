package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// SVG draws the line chart; with no data it says so.
func (c Line) SVG() template.HTML {
	var xsAll, ysAll [][]float64
	for _, s := range c.Series {
		xsAll, ysAll = append(xsAll, s.X), append(ysAll, s.Y)
	}
	var mx []float64
	for _, m := range c.Markers {
		mx = append(mx, m.X)
	}
	xlo, xhi, okx := bounds(xsAll, mx...)
	ylo, yhi, oky := bounds(ysAll)
	if !okx || !oky {
		return NotMeasured(c.Title, "not measured on this run")
	}
	logY := c.LogY && ylo > 0
	if !logY && ylo > 0 && ylo < (yhi-ylo) {
		ylo = 0
	}
	log := c.LogX && xlo > 0
	xs := scale{lo: xlo, hi: xhi, p0: padL, p1: Width - padR, log: log}
	ys := scale{lo: ylo, hi: yhi, p0: Height - padB, p1: padT, log: logY}
	xt, yt := ticks(xlo, xhi, 6), ticks(ylo, yhi, 5)
	if log {
		xt = logTicks(xlo, xhi)
	}
	if logY {
		yt = logTicks(ylo, yhi)
	}
	var b strings.Builder
	open(&b, c.Title)
	axes(&b, xs, ys, xt, yt, logLabel(c.XLabel, log), logLabel(c.YLabel, logY))
	for i, s := range c.Series {
		col := palette[i%len(palette)]
		b.WriteString(path(s, xs, ys, col))
		if s.Points || len(s.X) == 1 {
			for j := range s.X {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`, xs.at(s.X[j]), ys.at(s.Y[j]), col)
			}
		}
		pointLabels(&b, s, xs, ys, col)
	}
	for i, m := range c.Markers {
		x := xs.at(m.X)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="marker"/>`, x, ys.p0, x, ys.p1)
		// Labels step down one line each, so neighbouring markers never
		// overprint, and sit left of a marker too near the right edge.
		lx, anchor := x+4, "start"
		if x+4+labelCharW*float64(len([]rune(m.Label))) > float64(Width)-4 {
			lx, anchor = x-4, "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" class="mlabel">%s</text>`, lx, ys.p1+12+13*float64(i), anchor, esc(m.Label))
	}
	legend(&b, c.Series)
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func path(s Series, xs, ys scale, col string) string {
	if len(s.X) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<path fill="none" stroke="%s" stroke-width="1.8" d="`, col)
	for j := range s.X {
		x, y := xs.at(s.X[j]), ys.at(s.Y[j])
		switch {
		case j == 0:
			fmt.Fprintf(&b, "M%.1f %.1f", x, y)
		case s.Step:
			fmt.Fprintf(&b, "H%.1f V%.1f", x, y)
		default:
			fmt.Fprintf(&b, "L%.1f %.1f", x, y)
		}
	}
	b.WriteString(`"/>`)
	return b.String()
}

// logLabel marks an axis label drawn on a log scale.
func logLabel(l string, log bool) string {
	if log && l != "" {
		return l + ", log scale"
	}
	return l
}

// legendChars is the most characters a legend entry shows: longer names
// lose their middle, so names that differ only at the end stay apart.
const legendChars = 40

func legend(b *strings.Builder, ss []Series) {
	if len(ss) < 2 && (len(ss) == 0 || ss[0].Name == "") {
		return
	}
	n := 0
	for _, s := range ss {
		n = max(n, len([]rune(clip(s.Name, legendChars))))
	}
	w := 24 + legendCharW*float64(n)
	x := float64(Width-padR-4) - w
	fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#fff" fill-opacity="0.85"/>`, x, padT+4, w, 14*len(ss)+4)
	for i, s := range ss {
		y := float64(padT + 14 + 14*i)
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="10" height="3" fill="%s"/>`, x+4, y-4, palette[i%len(palette)])
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="legend">%s</text>`, x+18, y, esc(clip(s.Name, legendChars)))
	}
}

// legendCharW is a legend character's width at the legend's 10 px font, generously.
const legendCharW = 5.8

// clip shortens s to n characters by cutting out its middle.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

// CDF returns a step series of the empirical CDF of sorted values (at most 400 steps).
func CDF(name string, sorted []float64) Series {
	n := len(sorted)
	s := Series{Name: name, Step: true}
	if n > 0 {
		s.X, s.Y = []float64{sorted[0]}, []float64{0}
	}
	stride := max(1, n/400)
	for i := 0; i < n; i += stride {
		s.X = append(s.X, sorted[i])
		s.Y = append(s.Y, float64(i+1)/float64(n))
	}
	if n > 0 && s.X[len(s.X)-1] != sorted[n-1] {
		s.X, s.Y = append(s.X, sorted[n-1]), append(s.Y, 1)
	}
	return s
}

// labelCharW is the width of a point label's character at the labels' 10 px
// font, generously: labels are kept inside the chart by it.
const labelCharW = 6.2

// pointLabels writes each labelled point's name beside it, moved inside the
// chart when it would run past an edge, and rings point s.Ring-1.
func pointLabels(b *strings.Builder, s Series, xs, ys scale, col string) {
	for j := range s.X {
		if j >= len(s.Labels) || s.Labels[j] == "" {
			continue
		}
		x, y := xs.at(s.X[j]), ys.at(s.Y[j])
		if j == s.Ring-1 {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="7" fill="none" stroke="%s" stroke-width="2"/>`, x, y, col)
		}
		w := labelCharW * float64(len([]rune(s.Labels[j])))
		lx := min(x+7, float64(Width)-4-w)
		ly := max(y-6, float64(padT)+10)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="plabel">%s</text>`, lx, ly, esc(s.Labels[j]))
	}
}
