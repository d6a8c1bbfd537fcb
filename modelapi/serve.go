package modelapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// TargetReport says whether a model server answers at a URL and what it speaks.
type TargetReport struct {
	URL     string      `json:"url"`
	Answers bool        `json:"answers"`         // some API below answered
	Error   string      `json:"error,omitempty"` // why it does not answer
	APIs    []string    `json:"apis"`            // "ollama", "openai"
	Ollama  *OllamaInfo `json:"ollama,omitempty"`
	OpenAI  *OpenAIInfo `json:"openai,omitempty"`
	// Stall is the TCP stall probe's result, when one was made.
	Stall *StallProbe `json:"tcp_stall,omitempty"`
}

// ProbeTarget returns the API and model a probe of r's server can use:
// the OpenAI-compatible chat API when it lists a model, else Ollama's
// native API; false when neither lists one.
func (r *TargetReport) ProbeTarget() (Target, bool) {
	if o := r.OpenAI; o != nil && len(o.Models) > 0 {
		return Target{URL: r.URL, API: KindOpenAIChat, Model: o.Models[0]}, true
	}
	if o := r.Ollama; o != nil && len(o.Models) > 0 {
		return Target{URL: r.URL, API: KindOllama, Model: o.Models[0].Name}, true
	}
	return Target{}, false
}

// OllamaInfo is what Ollama's native API reports (/api/version, /api/tags).
type OllamaInfo struct {
	Version string        `json:"version"`
	Models  []OllamaModel `json:"models"`
}

// OllamaModel is one model of /api/tags.
type OllamaModel struct {
	Name          string `json:"name"`
	SizeBytes     int64  `json:"size_bytes"`
	Family        string `json:"family,omitempty"`
	ParameterSize string `json:"parameter_size,omitempty"`
	Quantization  string `json:"quantization,omitempty"`
}

// OpenAIInfo is what the OpenAI-compatible API reports (/v1/models).
type OpenAIInfo struct {
	Models []string `json:"models"`
}

// ProbeTarget asks the server at raw which APIs it speaks: Ollama's native
// API (its version and models) and the OpenAI-compatible model list. A nil client gets a 5 s timeout.
func ProbeTarget(ctx context.Context, raw string, client *http.Client) TargetReport {
	r := TargetReport{URL: raw, APIs: []string{}}
	base, err := ParseTarget(raw)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.URL = base.String()
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	oll, errO := probeOllama(ctx, base, client)
	if errO == nil {
		r.Ollama = oll
		r.APIs = append(r.APIs, "ollama")
	}
	oai, errA := probeOpenAI(ctx, base, client)
	if errA == nil {
		r.OpenAI = oai
		r.APIs = append(r.APIs, "openai")
	}
	r.Answers = len(r.APIs) > 0
	if !r.Answers {
		o, a := short(errO), short(errA)
		r.Error = fmt.Sprintf("Ollama API: %s; OpenAI-compatible API: %s", o, a)
		if o == a {
			r.Error = o
		}
	}
	return r
}

func probeOllama(ctx context.Context, base *url.URL, hc *http.Client) (*OllamaInfo, error) {
	c := api.NewClient(base, hc)
	v, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	info := &OllamaInfo{Version: v, Models: []OllamaModel{}}
	list, err := c.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range list.Models {
		info.Models = append(info.Models, OllamaModel{
			Name: m.Name, SizeBytes: m.Size, Family: m.Details.Family,
			ParameterSize: m.Details.ParameterSize, Quantization: m.Details.QuantizationLevel,
		})
	}
	return info, nil
}

func probeOpenAI(ctx context.Context, base *url.URL, hc *http.Client) (*OpenAIInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.JoinPath("/v1/models").String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /v1/models: HTTP %d", resp.StatusCode)
	}
	var body struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("GET /v1/models: %w", err)
	}
	info := &OpenAIInfo{Models: []string{}}
	for _, m := range body.Data {
		info.Models = append(info.Models, m.ID)
	}
	return info, nil
}

// short is an error's message on one line, without the request URL when the
// request itself failed (so that both APIs' errors can compare equal).
func short(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
