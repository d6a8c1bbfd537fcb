package workloads

import (
	"github.com/tcobench/tcobench/modelapi"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
)

// CalibrateOptions says what to measure.
type CalibrateOptions struct {
	Target string // base URL, e.g. http://127.0.0.1:11434
	Model  string
	// API is "ollama" or "openai" (default "openai").
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
	if o.API == "" {
		o.API = "openai"
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

// promptTokens sends text and returns the server's prompt token count.
func promptTokens(ctx context.Context, o CalibrateOptions, text string) (int, error) {
	msgs := []modelapi.Message{{Role: "user", Content: text}}
	var path string
	var body any
	switch o.API {
	case "ollama":
		path = "/api/chat"
		body = map[string]any{"model": o.Model, "messages": msgs, "stream": false,
			"options": map[string]any{"num_predict": 1, "num_ctx": 8192}, "keep_alive": "5m"}
	case "openai":
		path = "/v1/chat/completions"
		body = map[string]any{"model": o.Model, "messages": msgs, "max_tokens": 1, "stream": false}
	default:
		return 0, fmt.Errorf("calibrate: unknown API %q (ollama or openai)", o.API)
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(o.Target, "/")+path, bytes.NewReader(b))
	if err != nil {
		return 0, fmt.Errorf("calibrate: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("calibrate: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, fmt.Errorf("calibrate: reading %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("calibrate: %s answered %s: %s", path, resp.Status, oneLineTrim(string(raw), 200))
	}
	var r struct {
		PromptEvalCount *int `json:"prompt_eval_count"`
		Usage           *struct {
			PromptTokens int `json:"prompt_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return 0, fmt.Errorf("calibrate: %s: %w", path, err)
	}
	switch {
	case r.PromptEvalCount != nil:
		return *r.PromptEvalCount, nil
	case r.Usage != nil && r.Usage.PromptTokens > 0:
		return r.Usage.PromptTokens, nil
	}
	return 0, fmt.Errorf("calibrate: %s reported no prompt token count", path)
}

func oneLineTrim(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
