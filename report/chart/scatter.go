package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Point is one labelled point of a scatter chart; Marked draws it larger,
// ringed and labelled in bold (the chosen option).
type Point struct {
	Label  string
	X, Y   float64
	Marked bool
}

// Scatter is a chart of labelled points.
type Scatter struct {
	Title, XLabel, YLabel string
	Points                []Point
	// LogY draws the y axis on a log scale (when every value is positive).
	LogY bool
}

// SVG draws the scatter chart; with no points it says so.
func (c Scatter) SVG() template.HTML {
	xv, yv := make([]float64, len(c.Points)), make([]float64, len(c.Points))
	for i, p := range c.Points {
		xv[i], yv[i] = p.X, p.Y
	}
	xlo, xhi, okx := bounds([][]float64{xv})
	ylo, yhi, oky := bounds([][]float64{yv})
	if !okx || !oky {
		return NotMeasured(c.Title, "no option to show")
	}
	logY := c.LogY && ylo > 0
	if logY {
		ylo, yhi = ylo/1.5, yhi*1.5
	} else if ylo > 0 {
		ylo = 0
	}
	pad := (xhi - xlo) * 0.08
	xs := scale{lo: xlo - pad, hi: xhi + pad, p0: padL, p1: Width - padR}
	ys := scale{lo: ylo, hi: yhi, p0: Height - padB, p1: padT, log: logY}
	yt := ticks(ylo, yhi, 5)
	if logY {
		yt = logTicks(ylo, yhi)
	}
	var b strings.Builder
	open(&b, c.Title)
	axes(&b, xs, ys, ticks(xs.lo, xs.hi, 6), yt, c.XLabel, c.YLabel)
	for i, p := range c.Points {
		col := palette[i%len(palette)]
		x, y := xs.at(p.X), ys.at(p.Y)
		if p.Marked {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="9" fill="none" stroke="#222" stroke-width="2"/>`, x, y)
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="5" fill="%s"/>`, x, y, col)
		weight := ""
		if p.Marked {
			weight = ` font-weight="bold"`
		}
		label := clip(p.Label, 40)
		// A label that would run past the right edge sits left of its point.
		lx, anchor := x+11, "start"
		if x+11+labelCharW*float64(len([]rune(label))) > float64(Width)-4 {
			lx, anchor = x-11, "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" class="mlabel"%s>%s</text>`, lx, y+4, anchor, weight, esc(label))
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}
