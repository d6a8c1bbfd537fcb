// Package server scrapes the model server's own Prometheus /metrics (vLLM,
// llama.cpp server, TGI, SGLang) about once a second: running and waiting
// requests, KV-cache usage, prefix-cache hits and token counters. Which
// series to keep is configurable per server kind. Each series knows how
// its label sets combine (Aggregation): counters and request gauges add
// up over data-parallel engines and ranks, ratios are averaged. A series
// the running server does not publish is reported unsupported, with the
// versions that publish it (Absent).
package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Name is the server collector's registered name.
const Name = "server"

// Options configures the server collector.
type Options struct {
	// URL is the metrics endpoint (for example http://127.0.0.1:8000/metrics).
	URL string
	// Kind is "vllm", "llama.cpp", "tgi", "sglang", or "" / "auto" to detect
	// it from the first scrape.
	Kind string
	// Series overrides or adds series: standard name → the server's metric names.
	Series map[string][]string
	// Interval is the scrape period (default 1 s).
	Interval time.Duration
	// Client is the HTTP client (default: one with a 5 s timeout).
	Client *http.Client
}

// Collector scrapes one endpoint.
type Collector struct {
	opts   Options
	kind   string
	spec   map[string][]string
	health collectors.Health
	labels map[string]string
	noted  bool // the absent series were reported
}

// New returns a server collector for o.URL.
func New(o Options) *Collector {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if o.Kind == "auto" {
		o.Kind = ""
	}
	c := &Collector{opts: o}
	if o.Kind != "" {
		c.setKind(o.Kind)
	}
	return c
}

func (c *Collector) setKind(kind string) {
	c.kind = kind
	c.spec = SeriesFor(kind, c.opts.Series)
	c.labels = map[string]string{"kind": kind}
}

// Name is "server".
func (c *Collector) Name() string { return Name }

// Kind is the server kind in use ("" until detected).
func (c *Collector) Kind() string { return c.kind }

// Health reports samples, errors and unsupported series.
func (c *Collector) Health() runrecord.CollectorHealth { return c.health.Report(Name) }

// Run scrapes until ctx is done. A server without /metrics (such as
// Ollama) ends the collector with a plain message, not an error for the run.
func (c *Collector) Run(ctx context.Context, sink collectors.Sink) error {
	t := time.NewTicker(c.opts.Interval)
	defer t.Stop()
	for {
		if c.scrape(ctx, sink, time.Now()) == errNoMetrics {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

var errNoMetrics = errors.New("no metrics endpoint")

// scrape reads the endpoint once; errNoMetrics ends the collector.
func (c *Collector) scrape(ctx context.Context, sink collectors.Sink, now time.Time) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.opts.URL, nil)
	if err != nil {
		c.health.Fail(fmt.Sprintf("metrics URL %q: %v", c.opts.URL, err))
		return errNoMetrics
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := c.opts.Client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			c.health.Error(fmt.Sprintf("scrape %s: %v", c.opts.URL, err))
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		c.health.Fail(fmt.Sprintf("%s: 404: the server publishes no Prometheus metrics (Ollama does not); no server readings", c.opts.URL))
		return errNoMetrics
	}
	if resp.StatusCode != http.StatusOK {
		c.health.Error(fmt.Sprintf("scrape %s: HTTP %d", c.opts.URL, resp.StatusCode))
		return nil
	}
	fams, err := Parse(resp.Body)
	if err != nil {
		c.health.Error(err.Error())
		return nil
	}
	if c.kind == "" {
		k := DetectKind(fams)
		if k == "" {
			c.health.Fail(fmt.Sprintf("%s: unknown server kind (no vllm:, llamacpp:, tgi_ or sglang: series); set --server-kind", c.opts.URL))
			return errNoMetrics
		}
		c.setKind(k)
	}
	vals := Extract(fams, c.spec)
	var absent []string
	for _, std := range sortedKeys(c.spec) {
		v, ok := vals[std]
		if !ok {
			c.health.Unsupported(std)
			if hint := Absent(c.kind, std); hint != "" {
				absent = append(absent, hint)
			}
			continue
		}
		sink.Add(collectors.Reading{At: now, Metric: std, Labels: c.labels, Value: v})
		c.health.Sample(1)
	}
	if !c.noted && len(absent) > 0 {
		c.noted = true
		c.health.Note(fmt.Sprintf("%s: series absent, not zero: %s", c.opts.URL, strings.Join(absent, "; ")))
	}
	return nil
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseSeries reads --server-series: "std=name1|name2,std2=name3".
func ParseSeries(s string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("server series %q: want standard=metric[|metric...]", item)
		}
		out[strings.TrimSpace(k)] = strings.Split(strings.TrimSpace(v), "|")
	}
	return out, nil
}
