package metrics

import (
	"fmt"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// stallCounts counts streams by connection and TCP-stall signature.
type stallCounts struct {
	st    runrecord.TCPStall
	waits *logHist
}

func (s *stallCounts) add(a *runrecord.Attempt) {
	eligible, stalled, wait := modelapi.Stall(a)
	if !eligible {
		return
	}
	fresh := a.ConnectNS > 0
	switch {
	case fresh:
		s.st.Fresh++
	default:
		s.st.Reused++
	}
	if !stalled {
		return
	}
	if fresh {
		s.st.FreshStalled++
	} else {
		s.st.ReusedStalled++
	}
	if s.waits == nil {
		s.waits = newLogHist()
	}
	s.waits.add(nsToMS(wait))
}

// record is the summary's account; nil when no stream showed the signature.
func (s *stallCounts) record() *runrecord.TCPStall {
	if s.waits == nil {
		return nil
	}
	st := s.st
	st.MedianStallMS = s.waits.dist().P50
	st.Detected = modelapi.StallDetected(st.Reused, st.ReusedStalled, st.Fresh, st.FreshStalled)
	return &st
}

// stallWarning names the likely cause of a detected stall and what to check.
func stallWarning(st *runrecord.TCPStall) string {
	fresh := ""
	if st.Fresh > 0 {
		fresh = fmt.Sprintf(" (and %d of %d on fresh ones)", st.FreshStalled, st.Fresh)
	}
	return fmt.Sprintf("TTFT and inter-token latency include a TCP stall: %d of %d streams on reused connections"+
		"%s waited about %.0f ms, a multiple of the client's %.0f ms delayed-ACK timeout, "+
		"for a chunk that then arrived in one burst with the next. The likely cause is Nagle's algorithm on the server "+
		"or a proxy in front of it (TCP_NODELAY not set) meeting the client's delayed ACK: every pooled client sees it, "+
		"but the server is faster than these figures. Check that the server and any proxy set TCP_NODELAY; "+
		"to measure the server without the client's delayed ACK, run again with quickack (--quickack, Linux)",
		st.ReusedStalled, st.Reused, fresh, st.MedianStallMS, float64(modelapi.DelayedACK.Milliseconds()))
}
