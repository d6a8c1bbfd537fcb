package promdcgm

import "github.com/tcobench/tcobench/collectors"

// Factory is the prometheus collector's factory: it reads a cluster's
// dcgm-exporter energy series back from the Prometheus server at o.URL.
func Factory(o Options) collectors.Factory {
	return func(collectors.Env) (collectors.Collector, error) {
		c, err := New(o)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// MeasuresGPU reports that the collector reads GPU energy.
func (c *Collector) MeasuresGPU() bool { return true }
