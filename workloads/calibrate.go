package workloads

import (
	"github.com/tcobench/tcobench/modelapi"

	"context"
	"fmt"
	"math"
	"net/http"
	"time"
)

// CalibrateOptions says what to measure.
type CalibrateOptions struct {
	Target string // base URL, e.g. http://127.0.0.1:11434
	Model  string
	// API is the target's API, one of modelapi.Kinds (default
	// openai-chat); "openai" is read as openai-chat.
	API    string
	Client *http.Client
	// Sizes are the estimated token lengths of the fit requests (default 64, 256, 1024).
	Sizes []int
	// Checks are the token lengths verified with the fitted ratio (default 100, 500).
	Checks []int
}

// Calibrate measures the target's tokenizer on synthesised text: it sends
// prompts of several lengths with a one-token output limit, reads the
// server's prompt token counts, fits tokens = slope*chars + overhead, then
// checks that text synthesised with the fit lands on the asked length.
func Calibrate(ctx context.Context, o CalibrateOptions) (*Calibration, error) {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 5 * time.Minute}
	}
	o.API = modelapi.CanonicalKind(o.API)
	if err := modelapi.CheckKind(o.API); err != nil {
		return nil, err
	}
	if len(o.Sizes) == 0 {
		o.Sizes = []int{64, 256, 1024}
	}
	if len(o.Checks) == 0 {
		o.Checks = []int{100, 500}
	}
	c := &Calibration{Target: o.Target, Model: o.Model, API: o.API, MeasuredAt: time.Now().UTC()}
	// A first probe gives a rough ratio, so that the fit requests have about
	// the asked token lengths whatever the tokenizer (and fit the context).
	probe := synthChars(mix(0xca1, 0x9), 400)
	got, err := promptTokens(ctx, o, probe)
	if err != nil {
		return nil, err
	}
	c.Samples = append(c.Samples, CalibrationSample{Chars: len(probe), PromptTokens: got})
	rough := math.Max(float64(got), 1) / float64(len(probe))
	for i, n := range o.Sizes {
		text := SynthText(mix(0xca1, uint64(i)), n, rough)
		got, err := promptTokens(ctx, o, text)
		if err != nil {
			return nil, err
		}
		c.Samples = append(c.Samples, CalibrationSample{Chars: len(text), PromptTokens: got})
	}
	slope, icpt, err := fitLine(c.Samples)
	if err != nil {
		return nil, err
	}
	c.TokensPerChar, c.OverheadTokens = slope, icpt
	for i, n := range o.Checks {
		text := SynthText(mix(0xc4ec, uint64(i)), n, slope)
		got, err := promptTokens(ctx, o, text)
		if err != nil {
			return nil, err
		}
		c.Samples = append(c.Samples, CalibrationSample{Chars: len(text), PromptTokens: got, Check: true, WantTokens: n})
		e := 100 * math.Abs(float64(got)-icpt-float64(n)) / float64(n)
		c.MaxErrorPct = math.Max(c.MaxErrorPct, e)
	}
	return c, nil
}

func fitLine(s []CalibrationSample) (slope, icpt float64, err error) {
	var n, sx, sy, sxx, sxy float64
	for _, p := range s {
		x, y := float64(p.Chars), float64(p.PromptTokens)
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	d := n*sxx - sx*sx
	if n < 2 || d == 0 {
		return 0, 0, fmt.Errorf("calibrate: too few distinct samples to fit")
	}
	slope = (n*sxy - sx*sy) / d
	icpt = (sy - slope*sx) / n
	if !(slope > 0) {
		return 0, 0, fmt.Errorf("calibrate: the server's prompt token counts do not grow with the text (slope %g); is it reporting usage?", slope)
	}
	return slope, icpt, nil
}

// promptTokens asks the target to count text's prompt tokens.
func promptTokens(ctx context.Context, o CalibrateOptions, text string) (int, error) {
	n, err := modelapi.PromptTokens(ctx, modelapi.Target{URL: o.Target, API: o.API, Model: o.Model}, o.Client, text)
	if err != nil {
		return 0, fmt.Errorf("calibrate: %w", err)
	}
	return n, nil
}
