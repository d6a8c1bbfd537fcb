package collectors

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Env is what a collector factory knows about the run it collects for.
type Env struct {
	// Target is the model server's base URL ("" when there is none).
	Target string
	// Interval is the default sampling period of context readings.
	Interval time.Duration
}

// Factory builds one collector for a run (node_exporter's model: collectors
// are registered as factories by name and the run picks them by name). An
// error wrapping ErrUnavailable means the source is not on this node (no
// GPU driver): the run goes on without it and records why; any other error
// is a configuration the collector cannot use.
type Factory func(Env) (Collector, error)

// ErrUnavailable marks a collector whose source is not on this node.
var ErrUnavailable = errors.New("not available on this node")

// Factories maps collector names to their factories. Tests replace an entry
// (the nvml factory with one over go-nvml's mock) through the same map.
type Factories map[string]Factory

// Names lists the registered names, sorted.
func (f Factories) Names() []string {
	out := make([]string, 0, len(f))
	for n := range f {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Check says whether every name is registered.
func (f Factories) Check(names []string) error {
	for _, n := range names {
		if _, ok := f[n]; !ok {
			return fmt.Errorf("unknown collector %q (%s)", n, strings.Join(f.Names(), ", "))
		}
	}
	return nil
}

// Build builds the named collectors, in order, into a registry. A collector
// whose source is unavailable is left out and reported in down, with why.
func (f Factories) Build(names []string, env Env) (reg *Registry, down []runrecord.CollectorHealth, err error) {
	if err := f.Check(names); err != nil {
		return nil, nil, err
	}
	reg = NewRegistry()
	for _, n := range names {
		c, err := f[n](env)
		switch {
		case errors.Is(err, ErrUnavailable):
			down = append(down, runrecord.CollectorHealth{Name: n, Message: oneLine(err.Error())})
			continue
		case err != nil:
			reg.Close()
			return nil, nil, fmt.Errorf("collector %s: %w", n, err)
		}
		if err := reg.Register(c); err != nil {
			reg.Close()
			return nil, nil, err
		}
	}
	return reg, down, nil
}

// Unavailable marks err as the unavailability of a collector's source: it
// reads as err and matches ErrUnavailable.
func Unavailable(err error) error { return unavailableError{err} }

type unavailableError struct{ err error }

func (u unavailableError) Error() string        { return u.err.Error() }
func (u unavailableError) Unwrap() error        { return u.err }
func (u unavailableError) Is(target error) bool { return target == ErrUnavailable }
