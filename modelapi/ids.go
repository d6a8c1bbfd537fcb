package modelapi

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net/http"

	"github.com/tcobench/tcobench/runrecord"
)

// Join-key headers: the request id tcobench sends (and servers such as vLLM
// echo and log), the W3C trace context, and the response headers read back
// as the server's own request id.
const (
	RequestIDHeader   = "X-Request-Id"
	TraceparentHeader = "Traceparent"
)

// serverIDHeaders are the response headers that carry a server's request
// id, in the order they are looked for.
var serverIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Trace-Id"}

// newJoinKeys returns a fresh request id (a version-4 UUID) and a
// traceparent whose trace id is the same 128 bits, with a random parent id.
// The runtime's generator is seeded from the operating system's entropy.
func newJoinKeys() (requestID, traceparent string) {
	var b [24]byte
	binary.LittleEndian.PutUint64(b[0:], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	binary.LittleEndian.PutUint64(b[16:], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var u [36]byte
	hex.Encode(u[0:8], b[0:4])
	u[8] = '-'
	hex.Encode(u[9:13], b[4:6])
	u[13] = '-'
	hex.Encode(u[14:18], b[6:8])
	u[18] = '-'
	hex.Encode(u[19:23], b[8:10])
	u[23] = '-'
	hex.Encode(u[24:36], b[10:16])
	var t [55]byte
	copy(t[:], "00-")
	hex.Encode(t[3:35], b[0:16])
	t[35] = '-'
	hex.Encode(t[36:52], b[16:24])
	copy(t[52:], "-01")
	return string(u[:]), string(t[:])
}

// setJoinKeys gives the attempt its ids (unless the caller set them) and
// puts them on the request.
func setJoinKeys(h http.Header, a *runrecord.Attempt) {
	if a.RequestID == "" {
		a.RequestID, a.Traceparent = newJoinKeys()
	}
	h[RequestIDHeader] = []string{a.RequestID}
	if a.Traceparent != "" {
		h[TraceparentHeader] = []string{a.Traceparent}
	}
}

// serverRequestID is the request id the server answered with, if any.
func serverRequestID(h http.Header) string {
	for _, k := range serverIDHeaders {
		if v := h.Get(k); v != "" {
			return truncateID(v)
		}
	}
	return ""
}

// maxIDLen bounds an id read from a server, so that a hostile server cannot
// grow the record.
const maxIDLen = 128

func truncateID(s string) string {
	if len(s) > maxIDLen {
		return s[:maxIDLen]
	}
	return s
}
