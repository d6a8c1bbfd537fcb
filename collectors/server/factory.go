package server

import (
	"errors"
	"strings"

	"github.com/tcobench/tcobench/collectors"
)

// Factory is the server collector's factory: it scrapes o.URL, by default
// the run's target plus /metrics.
func Factory(o Options) collectors.Factory {
	return func(env collectors.Env) (collectors.Collector, error) {
		if o.Interval <= 0 {
			o.Interval = env.Interval
		}
		if o.URL == "" {
			if env.Target == "" {
				return nil, collectors.Unavailable(errors.New("no model server to scrape: no target and no metrics URL"))
			}
			o.URL = strings.TrimRight(env.Target, "/") + "/metrics"
		}
		return New(o), nil
	}
}
