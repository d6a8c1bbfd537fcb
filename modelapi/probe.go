package modelapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// probeTimeout bounds each question Probe asks the server.
const probeTimeout = 2 * time.Second

// getJSON fetches base+path into v; false when the server did not answer
// with JSON.
func getJSON(ctx context.Context, c *http.Client, url string, v any, key ...string) bool {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	if len(key) > 0 {
		authorize(req, key[0])
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v) == nil
}

// Probe asks an OpenAI-compatible server what it is: Ollama (/api/version),
// vLLM (/version), TGI (/info) or llama.cpp (/props), and which models it
// serves (/v1/models).
func (o *OpenAI) Probe(ctx context.Context, model string) runrecord.ServerInfo {
	info := runrecord.ServerInfo{URL: o.base, Kind: "openai-compatible"}
	c := o.opts.HTTPClient
	var ver struct {
		Version string `json:"version"`
	}
	var tgi struct {
		Version string `json:"version"`
		ModelID string `json:"model_id"`
	}
	var props struct {
		BuildInfo string `json:"build_info"`
		ModelPath string `json:"model_path"`
	}
	switch {
	case getJSON(ctx, c, o.base+"/api/version", &ver, o.opts.APIKey) && ver.Version != "":
		info.Kind, info.Version = "ollama", ver.Version
	case getJSON(ctx, c, o.base+"/info", &tgi, o.opts.APIKey) && tgi.ModelID != "":
		info.Kind, info.Version, info.Model = "tgi", tgi.Version, tgi.ModelID
	case getJSON(ctx, c, o.base+"/props", &props, o.opts.APIKey) && (props.BuildInfo != "" || props.ModelPath != ""):
		info.Kind, info.Version, info.Model = "llama.cpp", props.BuildInfo, props.ModelPath
	case getJSON(ctx, c, o.base+"/version", &ver, o.opts.APIKey) && ver.Version != "":
		info.Kind, info.Version = "vllm", ver.Version
	}
	var models struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if getJSON(ctx, c, o.base+"/v1/models", &models, o.opts.APIKey) {
		for _, m := range models.Data {
			if m.ID == model || info.Model == "" && len(models.Data) == 1 {
				info.Model = m.ID
			}
		}
	}
	return info
}

// Probe asks Ollama its version and whether it has the model.
func (o *Ollama) Probe(ctx context.Context, model string) runrecord.ServerInfo {
	info := runrecord.ServerInfo{URL: o.base, Kind: "ollama"}
	var ver struct {
		Version string `json:"version"`
	}
	if getJSON(ctx, o.opts.HTTPClient, o.base+"/api/version", &ver, o.opts.APIKey) {
		info.Version = ver.Version
	}
	var tags struct {
		Models []struct {
			Name  string `json:"name"`
			Model string `json:"model"`
		} `json:"models"`
	}
	if getJSON(ctx, o.opts.HTTPClient, o.base+"/api/tags", &tags, o.opts.APIKey) {
		for _, m := range tags.Models {
			if m.Name == model || m.Model == model || m.Name == model+":latest" {
				info.Model = m.Name
			}
		}
	}
	return info
}

// CloseIdle implements Backend.
func (o *OpenAI) CloseIdle() { o.opts.HTTPClient.CloseIdleConnections() }

// CloseIdle implements Backend.
func (o *Ollama) CloseIdle() { o.opts.HTTPClient.CloseIdleConnections() }
