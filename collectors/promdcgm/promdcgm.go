// Package promdcgm is the "prometheus" collector: for clusters, it reads
// GPU energy and power for a set of nodes over the run's span from an
// existing Prometheus server that scrapes NVIDIA dcgm-exporter
// (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, mJ counter; DCGM_FI_DEV_POWER_USAGE,
// W), through its HTTP query API. The monitoring a deployment already runs
// does the collecting; this collector reads it back when the run ends.
package promdcgm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Name is the collector's registered name.
const Name = "prometheus"

// dcgm-exporter series read, and the readings they become.
var series = []struct{ dcgm, metric string }{
	{"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", collectors.MetricEnergyMJ},
	{"DCGM_FI_DEV_POWER_USAGE", collectors.MetricPowerAvg1sW},
	{"DCGM_FI_DEV_POWER_USAGE_INSTANT", collectors.MetricPowerInstantW},
}

// Options configures the collector.
type Options struct {
	// URL is the Prometheus server's base URL.
	URL string
	// Nodes are the values of NodeLabel to read: the nodes serving the
	// model. Empty is refused unless AllNodes says to read every node the
	// selector matches (the whole cluster's GPUs would be summed).
	Nodes    []string
	AllNodes bool
	// NodeLabel, GPULabel, UUIDLabel and InstanceLabel name dcgm-exporter's
	// labels (defaults "Hostname", "gpu", "UUID", "GPU_I_ID": the MIG GPU
	// instance, whose series repeat the whole GPU's counter).
	NodeLabel, GPULabel, UUIDLabel, InstanceLabel string
	// Matchers are extra label matchers, for example `job="dcgm"`.
	Matchers string
	// Margin widens the span read on both sides so that readings bracket
	// the window (default 1 min; make it at least twice the scrape interval).
	Margin time.Duration
	// Timeout bounds each query (default 30 s).
	Timeout time.Duration
	// Settle is how long to wait after the span's end before reading, so
	// that a fresh reading after the end exists: longer than both the
	// exporter's collect interval and Prometheus's scrape interval
	// (dcgm-exporter collects every 30 s by default). Preflight checks it;
	// 0 reads at once, and a window whose end no fresh reading follows is
	// accounted as unreliable.
	Settle time.Duration
}

// Validate checks the options that need no server.
func (o *Options) Validate() error {
	switch {
	case len(o.Nodes) == 0 && !o.AllNodes:
		return errors.New("prometheus collector: nodes: none named; name the nodes that serve the model (an empty list would sum every GPU of the cluster), or ask for all nodes explicitly")
	case len(o.Nodes) > 0 && o.AllNodes:
		return errors.New("prometheus collector: nodes and all nodes both given; choose one")
	case o.Settle < 0:
		return fmt.Errorf("prometheus collector: settle %s: must not be negative", o.Settle)
	}
	return nil
}

// Collector reads a Prometheus server's DCGM series over a span.
type Collector struct {
	opts   Options
	api    *Client
	health collectors.Health
}

// New returns a collector for o.URL.
func New(o Options) (*Collector, error) {
	if o.NodeLabel == "" {
		o.NodeLabel = "Hostname"
	}
	if o.GPULabel == "" {
		o.GPULabel = "gpu"
	}
	if o.UUIDLabel == "" {
		o.UUIDLabel = "UUID"
	}
	if o.InstanceLabel == "" {
		o.InstanceLabel = "GPU_I_ID"
	}
	if o.Margin <= 0 {
		o.Margin = time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	cl, err := NewClient(o.URL, nil)
	if err != nil {
		return nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Collector{opts: o, api: cl}, nil
}

// Name is "prometheus".
func (c *Collector) Name() string { return Name }

// Health reports samples, errors and series not found.
func (c *Collector) Health() runrecord.CollectorHealth { return c.health.Report(Name) }

// Run waits: this collector reads after the fact (CollectWindow).
func (c *Collector) Run(ctx context.Context, _ collectors.Sink) error {
	<-ctx.Done()
	return nil
}

// Selector is the label selector for the configured nodes.
func (c *Collector) Selector() string {
	var m []string
	if len(c.opts.Nodes) > 0 {
		q := make([]string, len(c.opts.Nodes))
		for i, n := range c.opts.Nodes {
			q[i] = regexp.QuoteMeta(n)
		}
		m = append(m, fmt.Sprintf("%s=~%q", c.opts.NodeLabel, strings.Join(q, "|")))
	}
	if c.opts.Matchers != "" {
		m = append(m, c.opts.Matchers)
	}
	return "{" + strings.Join(m, ",") + "}"
}

// CollectWindow reads the raw samples of each DCGM series over [from, end]
// (widened by the margin) and hands them on as readings. A repeated
// counter value is a scrape of a reading already seen, not a reading: it is
// dropped, so that a stale scrape after the end cannot pass for a
// measurement of it.
func (c *Collector) CollectWindow(ctx context.Context, from, end time.Time, sink collectors.Sink) error {
	if wait := time.Until(end.Add(c.opts.Settle)); wait > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	from, to := from.Add(-c.opts.Margin), end.Add(c.opts.Margin)
	if now := time.Now(); to.After(now) {
		to = now
	}
	secs := int(math.Ceil(to.Sub(from).Seconds()))
	found := false
	for _, s := range series {
		n, err := c.read(ctx, fmt.Sprintf("%s%s[%ds]", s.dcgm, c.Selector(), secs), to, end, s.metric, sink)
		if err != nil {
			c.health.Error(fmt.Sprintf("query %s: %v", s.dcgm, err))
			continue
		}
		if n == 0 {
			c.health.Unsupported(s.metric)
			continue
		}
		found = true
	}
	if !found {
		c.health.Fail(fmt.Sprintf("%s: no DCGM series for %s over the run (is dcgm-exporter scraped?)", c.opts.URL, c.Selector()))
	}
	return nil
}

func (c *Collector) read(ctx context.Context, query string, at, end time.Time, metric string, sink collectors.Sink) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	res, err := c.api.QueryMatrix(ctx, query, at)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ss := range res {
		labels := map[string]string{
			collectors.LabelNode: ss.Metric[c.opts.NodeLabel],
			collectors.LabelGPU:  ss.Metric[c.opts.GPULabel],
			collectors.LabelUUID: ss.Metric[c.opts.UUIDLabel],
		}
		if inst := ss.Metric[c.opts.InstanceLabel]; inst != "" {
			labels[collectors.LabelGPUInstance] = inst
		}
		values := ss.Values
		if metric == collectors.MetricEnergyMJ {
			values = fresh(values)
			c.checkEnd(labels, values, end)
		}
		for _, p := range values {
			sink.Add(collectors.Reading{At: p.At, Metric: metric, Labels: labels, Value: p.Value})
			n++
		}
	}
	c.health.Sample(n)
	return n, nil
}

// fresh keeps the samples whose value differs from the one before: the
// exporter's new readings, not Prometheus's repeats of its cached one.
func fresh(ps []Point) []Point {
	out := make([]Point, 0, len(ps))
	for i, p := range ps {
		if i == 0 || p.Value != ps[i-1].Value {
			out = append(out, p)
		}
	}
	return out
}

// checkEnd notes a counter with no fresh reading after the run's end.
func (c *Collector) checkEnd(labels map[string]string, ps []Point, end time.Time) {
	if len(ps) == 0 || !ps[len(ps)-1].At.Before(end) {
		return
	}
	c.health.Note(fmt.Sprintf("%s GPU %s: no fresh energy reading after the run's end (the last is %s before it): make the settle time longer than the exporter's collect and Prometheus's scrape intervals",
		labels[collectors.LabelNode], labels[collectors.LabelGPU], end.Sub(ps[len(ps)-1].At).Round(time.Second)))
}
