package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	Label string
	Value float64
	// Highlight draws the bar in the accent colour (the on-prem figure among API prices).
	Highlight bool
}

// Bars is a horizontal bar chart.
type Bars struct {
	Title, Unit string
	Bars        []Bar
	// Notes, when given, follow each bar's value (its provenance, break-even).
	Notes []string
	// Value formats a bar's value (nil: Fmt followed by Unit), as money, say.
	Value func(float64) string
	// Line, when set, draws a vertical line at that value across the bars,
	// labelled LineLabel (the on-prem cost among API prices).
	Line      *float64
	LineLabel string
}

// SVG draws the bar chart; with no bars it says so.
func (c Bars) SVG() template.HTML {
	if len(c.Bars) == 0 {
		return NotMeasured(c.Title, "not measured on this run")
	}
	hi := 0.0
	for _, b := range c.Bars {
		hi = math.Max(hi, b.Value)
	}
	if hi <= 0 {
		hi = 1
	}
	// Each bar's value text (with its note) follows the bar: the bars end
	// where the longest text still fits.
	texts, tw := make([]string, len(c.Bars)), 0.0
	for i, bar := range c.Bars {
		texts[i] = Fmt(bar.Value) + " " + c.Unit
		if c.Value != nil {
			texts[i] = c.Value(bar.Value)
		}
		if i < len(c.Notes) && c.Notes[i] != "" {
			texts[i] += " · " + c.Notes[i]
		}
		tw = math.Max(tw, labelCharW*float64(len([]rune(texts[i]))))
	}
	left := barLeft
	xs := scale{lo: 0, hi: hi, p0: left, p1: math.Max(left+30, Width-padR-tw-4)}
	height, rowH := barLayout(len(c.Bars))
	var b strings.Builder
	openSized(&b, c.Title, height)
	for i, bar := range c.Bars {
		y := float64(padT+8) + rowH*float64(i)
		col := palette[0]
		if bar.Highlight {
			col = palette[1]
		}
		w := math.Max(1, xs.at(math.Max(bar.Value, 0))-left)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" class="tick">%s</text>`, left-6, y+rowH*0.6, esc(clip(bar.Label, barLabelChars)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, left, y+2, w, rowH*0.7, col)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick">%s</text>`, left+w+4, y+rowH*0.6, esc(texts[i]))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="frame"/>`, left, padT+4, left, height-padB)
	if c.Line != nil {
		x := xs.at(*c.Line)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="marker"/>`, x, padT+4, x, height-padB)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="mlabel">%s</text>`, math.Min(math.Max(x, left+80), Width-84), height-padB+14, esc(c.LineLabel))
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// Bar chart layout: labels take the left barLeft units, clipped to
// barLabelChars; each bar gets at least minRowH units of height, so a chart
// of many bars grows taller instead of overprinting its labels.
const (
	barLeft       = 270.0
	barLabelChars = 46
	minRowH       = 18.0
	maxRowH       = 28.0
)

// barLayout returns the chart height and the row height for n bars.
func barLayout(n int) (height int, rowH float64) {
	rowH = math.Min(maxRowH, float64(Height-padT-padB)/float64(n))
	if rowH < minRowH {
		rowH = minRowH
	}
	height = int(math.Max(Height, float64(padT+8+padB)+rowH*float64(n)))
	return height, rowH
}

// TornadoBar is one input of a sensitivity tornado.
type TornadoBar struct {
	Label     string
	Low, High float64
}

// Tornado is a sensitivity chart: for each input, the output at its low and
// high value, around the base value.
type Tornado struct {
	Title, Unit string
	Base        float64
	Bars        []TornadoBar
	// LowLabel and HighLabel name the two colours ("input −20 %").
	LowLabel, HighLabel string
}

func orText(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// SVG draws the tornado, widest swing first; with no bars it says so.
func (c Tornado) SVG() template.HTML {
	if len(c.Bars) == 0 {
		return NotMeasured(c.Title, "not measured on this run")
	}
	bars := append([]TornadoBar(nil), c.Bars...)
	sortBySwing(bars)
	lo, hi := c.Base, c.Base
	for _, t := range bars {
		lo, hi = math.Min(lo, math.Min(t.Low, t.High)), math.Max(hi, math.Max(t.Low, t.High))
	}
	pad := (hi - lo) * 0.08
	left := barLeft
	xs := scale{lo: lo - pad, hi: hi + pad, p0: left, p1: Width - padR}
	height, rowH := barLayout(len(bars))
	var b strings.Builder
	openSized(&b, c.Title, height)
	for _, t := range ticks(lo-pad, hi+pad, 5) {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="tick">%s</text>`, xs.at(t), height-padB+14, esc(Fmt(t)))
	}
	x := xs.at(c.Base)
	seg := func(y, v float64, col string) {
		a, z := math.Min(x, xs.at(v)), math.Max(x, xs.at(v))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, a, y+2, math.Max(1, z-a), rowH*0.7, col)
	}
	for i, t := range bars {
		y := float64(padT+8) + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" class="tick">%s</text>`, left-6, y+rowH*0.6, esc(clip(t.Label, barLabelChars)))
		seg(y, t.Low, palette[0])
		seg(y, t.High, palette[1])
	}
	for i, l := range []string{orText(c.LowLabel, "input low"), orText(c.HighLabel, "input high")} {
		lx := float64(padL) + 150*float64(i)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="10" height="8" fill="%s"/>`, lx, height-padB+22, palette[i])
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="legend">%s</text>`, lx+14, height-padB+30, esc(l))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="marker"/>`, x, padT+4, x, height-padB)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" class="axis">%s</text>`, float64(Width-padR), height-6, esc("base "+Fmt(c.Base)+" "+c.Unit))
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func sortBySwing(b []TornadoBar) {
	swing := func(t TornadoBar) float64 { return math.Abs(t.High - t.Low) }
	for i := 1; i < len(b); i++ {
		for j := i; j > 0 && swing(b[j]) > swing(b[j-1]); j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
}
