package promdcgm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client is a minimal client of Prometheus's HTTP query API (/api/v1/query).
type Client struct {
	base *url.URL
	hc   *http.Client
}

// NewClient returns a client for the server at base (hc nil: a default client).
func NewClient(base string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("prometheus URL %q: want http(s)://host:port", base)
	}
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{base: u, hc: hc}, nil
}

// Series is one labelled series of a query result.
type Series struct {
	Metric map[string]string
	Values []Point
}

// Point is one sample.
type Point struct {
	At    time.Time
	Value float64
}

type apiResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string            `json:"resultType"`
		Result     []json.RawMessage `json:"result"`
	} `json:"data"`
}

type rawSeries struct {
	Metric map[string]string    `json:"metric"`
	Values [][2]json.RawMessage `json:"values"`
	Value  [2]json.RawMessage   `json:"value"`
}

// QueryMatrix evaluates query at t and returns its series: the raw samples of a
// range-vector query (matrix), or one sample per series (vector).
func (c *Client) QueryMatrix(ctx context.Context, query string, t time.Time) ([]Series, error) {
	q := url.Values{"query": {query}, "time": {strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)}}
	u := *c.base
	u.Path += "/api/v1/query"
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d: not a Prometheus API answer: %w", resp.StatusCode, err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	out := make([]Series, 0, len(r.Data.Result))
	for _, raw := range r.Data.Result {
		var rs rawSeries
		if err := json.Unmarshal(raw, &rs); err != nil {
			return nil, fmt.Errorf("decode series: %w", err)
		}
		s := Series{Metric: rs.Metric}
		vals := rs.Values
		if r.Data.ResultType == "vector" {
			vals = [][2]json.RawMessage{rs.Value}
		}
		for _, v := range vals {
			p, err := point(v)
			if err != nil {
				return nil, err
			}
			s.Values = append(s.Values, p)
		}
		out = append(out, s)
	}
	return out, nil
}

func point(v [2]json.RawMessage) (Point, error) {
	var ts float64
	var val string
	if err := json.Unmarshal(v[0], &ts); err != nil {
		return Point{}, fmt.Errorf("decode sample time: %w", err)
	}
	if err := json.Unmarshal(v[1], &val); err != nil {
		return Point{}, fmt.Errorf("decode sample value: %w", err)
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return Point{}, fmt.Errorf("decode sample value %q: %w", val, err)
	}
	return Point{At: time.UnixMilli(int64(ts*1000 + 0.5)), Value: f}, nil
}
