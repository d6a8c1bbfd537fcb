package collectors

import (
	"sort"
	"sync"

	"github.com/tcobench/tcobench/runrecord"
)

// Health tracks a collector's own account of how it did. The zero value is
// ready to use; it is safe for concurrent use.
type Health struct {
	mu          sync.Mutex
	samples     int
	errors      int
	unsupported map[string]bool
	message     string
	failed      bool
}

// Sample counts n readings taken.
func (h *Health) Sample(n int) {
	h.mu.Lock()
	h.samples += n
	h.mu.Unlock()
}

// Error counts a failed reading and keeps the first message.
func (h *Health) Error(msg string) {
	h.mu.Lock()
	h.errors++
	if h.message == "" {
		h.message = msg
	}
	h.mu.Unlock()
}

// Unsupported records a field the source does not provide.
func (h *Health) Unsupported(field string) {
	h.mu.Lock()
	if h.unsupported == nil {
		h.unsupported = map[string]bool{}
	}
	h.unsupported[field] = true
	h.mu.Unlock()
}

// IsUnsupported reports whether field was recorded as unsupported.
func (h *Health) IsUnsupported(field string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.unsupported[field]
}

// Fail marks the collector as not working, with a message that replaces any earlier one.
func (h *Health) Fail(msg string) {
	h.mu.Lock()
	h.failed = true
	h.message = msg
	h.mu.Unlock()
}

// Note sets an informational message when none is set.
func (h *Health) Note(msg string) {
	h.mu.Lock()
	if h.message == "" {
		h.message = msg
	}
	h.mu.Unlock()
}

// Report returns the health as recorded in run.json.
func (h *Health) Report(name string) runrecord.CollectorHealth {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := runrecord.CollectorHealth{
		Name:    name,
		OK:      !h.failed && (h.samples > 0 || h.errors == 0),
		Samples: h.samples,
		Errors:  h.errors,
		Message: h.message,
	}
	for f := range h.unsupported {
		r.Unsupported = append(r.Unsupported, f)
	}
	sort.Strings(r.Unsupported)
	return r
}
