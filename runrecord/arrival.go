package runrecord

import (
	"fmt"
	"strings"
)

// ArrivalMode is how tasks arrive in a run: a closed loop of users, an
// open-loop process at a rate, or a trace's recorded offsets.
type ArrivalMode string

// The arrival modes.
const (
	// ArrivalClosed: N users, each starting its next task when the last ended.
	ArrivalClosed ArrivalMode = "closed"
	// ArrivalConstant: open loop, evenly spaced arrivals at a rate.
	ArrivalConstant ArrivalMode = "constant"
	// ArrivalPoisson: open loop, exponential gaps at a rate.
	ArrivalPoisson ArrivalMode = "poisson"
	// ArrivalGamma: open loop, gamma gaps at a rate (shape below 1 is burstier).
	ArrivalGamma ArrivalMode = "gamma"
	// ArrivalTrace: a trace's recorded offsets.
	ArrivalTrace ArrivalMode = "trace"
)

// ArrivalModes lists every arrival mode.
var ArrivalModes = []ArrivalMode{ArrivalClosed, ArrivalConstant, ArrivalPoisson, ArrivalGamma, ArrivalTrace}

// Open reports whether arrivals come at a rate, whatever the server does.
func (m ArrivalMode) Open() bool {
	return m == ArrivalConstant || m == ArrivalPoisson || m == ArrivalGamma
}

// ParseArrivalMode reads an arrival mode by name.
func ParseArrivalMode(s string) (ArrivalMode, error) {
	for _, m := range ArrivalModes {
		if string(m) == s {
			return m, nil
		}
	}
	names := make([]string, len(ArrivalModes))
	for i, m := range ArrivalModes {
		names[i] = string(m)
	}
	return "", fmt.Errorf("arrival mode %q: want %s", s, strings.Join(names, ", "))
}
