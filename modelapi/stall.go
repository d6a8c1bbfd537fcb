package modelapi

import (
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// DelayedACK is Linux's delayed-ACK timeout (TCP_DELACK_MIN, 40 ms): a
// receiver with nothing to send waits that long before acknowledging a
// segment, unless TCP_QUICKACK is set.
const DelayedACK = 40 * time.Millisecond

// Bounds of the stall signature: a wait within [k·DelayedACK − stallEarly,
// k·DelayedACK + stallLate] for k up to stallMaxK (the timer fires on a
// kernel tick, after the segment's arrival), followed by a chunk within
// burstGap (the chunks held back meanwhile, sent in one segment).
const (
	stallEarly = 4 * time.Millisecond
	stallLate  = 10 * time.Millisecond
	stallMaxK  = 5
	burstGap   = 500 * time.Microsecond
)

// Stall says whether a streamed attempt shows the signature of a TCP stall:
// Nagle's algorithm on the server (or a proxy) holding each small chunk
// until the client acknowledges the one before, and the client's delayed
// ACK holding that acknowledgement for DelayedACK. Its first token arrives
// a multiple of DelayedACK after the headers, or a gap of that length
// opens inside the stream, and the next chunk follows in the same burst.
// eligible is false for attempts that cannot show it (failed, fewer than
// two chunks); wait is the stalled wait (ns).
func Stall(a *runrecord.Attempt) (eligible, stalled bool, wait int64) {
	if !a.OK || a.HeadersNS <= 0 || a.FirstTokenNS < a.HeadersNS || len(a.ChunkNS) < 2 {
		return false, false, 0
	}
	if g := a.FirstTokenNS - a.HeadersNS; ackMultiple(g) && a.ChunkNS[1]-a.ChunkNS[0] < int64(burstGap) {
		return true, true, g
	}
	n, first := 0, int64(0)
	for i := 1; i+1 < len(a.ChunkNS); i++ {
		if g := a.ChunkNS[i] - a.ChunkNS[i-1]; ackMultiple(g) && a.ChunkNS[i+1]-a.ChunkNS[i] < int64(burstGap) {
			if n++; n == 1 {
				first = g
			}
		}
	}
	return true, n >= 2, first
}

// ackMultiple reports whether d is about a multiple of DelayedACK.
func ackMultiple(d int64) bool {
	ack := int64(DelayedACK)
	for k := int64(1); k <= stallMaxK; k++ {
		if d >= k*ack-int64(stallEarly) && d <= k*ack+int64(stallLate) {
			return true
		}
	}
	return false
}
