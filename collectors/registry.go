package collectors

import (
	"fmt"
	"sort"
	"sync"
)

// Registry holds the collectors of a run by name, in registration order.
type Registry struct {
	mu     sync.Mutex
	byName map[string]Collector
	order  []string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]Collector{}}
}

// Register adds c under c.Name(). Names are unique.
func (r *Registry) Register(c Collector) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	name := c.Name()
	if name == "" {
		return fmt.Errorf("register collector: empty name")
	}
	if _, dup := r.byName[name]; dup {
		return fmt.Errorf("register collector %q: already registered", name)
	}
	r.byName[name] = c
	r.order = append(r.order, name)
	return nil
}

// Get returns the collector registered as name.
func (r *Registry) Get(name string) (Collector, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.byName[name]
	return c, ok
}

// Names lists the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.order...)
	sort.Strings(out)
	return out
}

// Collectors returns the collectors in registration order.
func (r *Registry) Collectors() []Collector {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Collector, 0, len(r.order))
	for _, n := range r.order {
		out = append(out, r.byName[n])
	}
	return out
}

// Closer is a collector that holds something to release when the run is
// over (an open NVML library, for one).
type Closer interface{ Close() }

// Close closes every registered collector that is a Closer.
func (r *Registry) Close() {
	for _, c := range r.Collectors() {
		if cl, ok := c.(Closer); ok {
			cl.Close()
		}
	}
}
