package modelapi

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// The run-level rule of a TCP stall: at least StallMinStreams streams on
// reused connections with the signature (Stall), making up at least
// StallMinShare of them, and fresh connections showing it at most half as
// often (or none to compare).
const (
	StallMinStreams = 3
	StallMinShare   = 0.2
)

// StallDetected applies the run-level rule to stream counts by connection:
// reused and fresh streams, and how many of each showed the signature.
func StallDetected(reused, reusedStalled, fresh, freshStalled int) bool {
	r := float64(reusedStalled) / float64(max(reused, 1))
	f := float64(freshStalled) / float64(max(fresh, 1))
	return reusedStalled >= StallMinStreams && r >= StallMinShare && (fresh == 0 || f <= r/2)
}

// StallProbe is the result of a short probe for a TCP stall: a few small
// streamed requests sent one after another, so that all but the first
// reuse one connection.
type StallProbe struct {
	Model string `json:"model"`
	// Requests were sent; OK of them streamed at least two chunks.
	Requests int `json:"requests"`
	OK       int `json:"ok"`
	// Reused and ReusedStalled count the streams on a reused connection and
	// those with the stall's signature; Fresh and FreshStalled the same on
	// newly opened connections.
	Reused        int `json:"reused"`
	ReusedStalled int `json:"reused_stalled"`
	Fresh         int `json:"fresh"`
	FreshStalled  int `json:"fresh_stalled"`
	// Stall says whether the responses show the stall (StallDetected).
	Stall bool `json:"stall"`
	// HeadersToFirstTokenMS is the median wait from the response headers to
	// the first token (ms).
	HeadersToFirstTokenMS float64 `json:"headers_to_first_token_ms"`
	// Error says why the probe could not judge (no model, no stream).
	Error string `json:"error,omitempty"`
}

// Probe sizes: requests sent and tokens asked of each.
const (
	stallProbeRequests = 6
	stallProbeTokens   = 8
)

// ProbeStall sends a few small streamed requests to the model at t, one
// after another on one pooled client (as a benchmark's client does), and
// says whether the responses show a TCP stall.
func ProbeStall(ctx context.Context, t Target, timeout time.Duration) StallProbe {
	p := StallProbe{Model: t.Model}
	be, err := New(t, Options{Timeout: timeout})
	if err != nil {
		p.Error = err.Error()
		return p
	}
	clk := NewClock(time.Now())
	var waits []float64
	for i := range stallProbeRequests {
		var a runrecord.Attempt
		req := &Request{Model: t.Model, MaxTokens: stallProbeTokens,
			Messages: []Message{{Role: "user", Content: "Count from 1 to 20, probe " + strconv.Itoa(i) + "."}}}
		be.Do(ctx, clk, req, &a)
		p.Requests++
		if ctx.Err() != nil {
			break
		}
		eligible, stalled, _ := Stall(&a)
		if !eligible {
			if p.Error == "" && !a.OK {
				p.Error = a.Error
			}
			if a.ErrorClass == runrecord.ErrTimeout {
				break // the next ones would wait as long again
			}
			continue
		}
		p.OK++
		waits = append(waits, float64(a.FirstTokenNS-a.HeadersNS)/1e6)
		p.count(a.ConnectNS > 0, stalled)
	}
	if p.OK == 0 {
		if p.Error == "" {
			p.Error = "no response streamed two chunks or more"
		}
		return p
	}
	p.Error = ""
	slices.Sort(waits)
	p.HeadersToFirstTokenMS = waits[len(waits)/2]
	p.Stall = StallDetected(p.Reused, p.ReusedStalled, p.Fresh, p.FreshStalled)
	return p
}

func (p *StallProbe) count(fresh, stalled bool) {
	n, s := &p.Reused, &p.ReusedStalled
	if fresh {
		n, s = &p.Fresh, &p.FreshStalled
	}
	*n++
	if stalled {
		*s++
	}
}
