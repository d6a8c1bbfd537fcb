package modelapi

import (
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

func TestStallSignature(t *testing.T) {
	const ms = int64(1e6)
	stream := func(headers int64, chunks ...int64) *runrecord.Attempt {
		return &runrecord.Attempt{OK: true, HeadersNS: headers, FirstTokenNS: chunks[0], ChunkNS: chunks}
	}
	cases := []struct {
		name              string
		a                 *runrecord.Attempt
		eligible, stalled bool
	}{
		{"first token 43 ms after the headers, rest in one burst", stream(1*ms, 44*ms, 44*ms+10e3, 44*ms+20e3), true, true},
		{"two delayed ACKs", stream(1*ms, 83*ms, 82*ms+5e3), true, true},
		{"first token at 43 ms, then steady tokens", stream(1*ms, 44*ms, 46*ms, 48*ms), true, false},
		{"first token at 20 ms, steady", stream(1*ms, 21*ms, 23*ms, 25*ms), true, false},
		{"first token at 60 ms, burst", stream(1*ms, 61*ms, 60*ms+1e3), true, false},
		{"stalls inside the stream", stream(1*ms, 100*ms, 140*ms, 140*ms+1e3, 180*ms, 180*ms+1e3), true, true},
		{"one 40 ms gap inside the stream", stream(1*ms, 100*ms, 140*ms, 140*ms+1e3, 150*ms), true, false},
		{"one chunk", stream(0, 41*ms), false, false},
		{"failed", &runrecord.Attempt{HeadersNS: 1, FirstTokenNS: 41 * ms, ChunkNS: []int64{41 * ms, 41 * ms}}, false, false},
	}
	for _, c := range cases {
		e, s, _ := Stall(c.a)
		if e != c.eligible || s != c.stalled {
			t.Errorf("%s: eligible %v stalled %v, want %v %v", c.name, e, s, c.eligible, c.stalled)
		}
	}
}
