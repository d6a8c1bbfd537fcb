package promdcgm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeSeries is one series a fake Prometheus API answers with.
type fakeSeries struct {
	labels map[string]string
	at     []time.Time
	values []float64
}

// fakeAPI answers /api/v1/query with fixed series by metric name: the
// answer a Prometheus would give for shapes a test needs exactly (stale
// scrapes, MIG instances), which a live scrape cannot be steered into.
func fakeAPI(t *testing.T, byMetric map[string][]fakeSeries) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("query")
		name := q[:strings.IndexAny(q+"{", "{[")]
		type raw struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		}
		res := []raw{}
		for _, s := range byMetric[name] {
			x := raw{Metric: s.labels}
			for i, at := range s.at {
				x.Values = append(x.Values, [2]any{float64(at.UnixMilli()) / 1000, strconv.FormatFloat(s.values[i], 'f', -1, 64)})
			}
			res = append(res, x)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix", "result": res}})
	}))
	t.Cleanup(ts.Close)
	return ts
}

// exporterCounter is a dcgm-exporter energy series of a GPU drawing powerW
// watts: the exporter reads the counter every collect interval (from
// collect0 on), Prometheus scrapes every scrape interval over [from, to]
// and stores the exporter's latest value, repeated until it changes.
func exporterCounter(labels map[string]string, powerW float64, collect0 time.Time, collect, scrape time.Duration, from, to time.Time) fakeSeries {
	s := fakeSeries{labels: labels}
	for at := from; !at.After(to); at = at.Add(scrape) {
		n := at.Sub(collect0) / collect
		read := collect0.Add(n * collect)
		s.at = append(s.at, at)
		s.values = append(s.values, 9e9+powerW*read.Sub(collect0).Seconds()*1000)
	}
	return s
}
