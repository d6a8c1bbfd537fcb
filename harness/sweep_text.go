package harness

import (
	"fmt"
	"io"

	"github.com/tcobench/tcobench/runrecord"
)

// WriteCapacityVerdict says where a capacity search stopped, after its
// probes' table.
func WriteCapacityVerdict(w io.Writer, dir string, c *runrecord.Capacity) {
	switch {
	case c.Best < 0:
	case c.BracketLow >= c.High:
		fmt.Fprintf(w, "the upper bound %g met the SLOs: the capacity is at least that; raise the upper bound to find it\n", c.High)
	case c.Converged:
		fmt.Fprintf(w, "capacity at the SLOs: between %g and %g (within %.0f %%); price it with tcobench cost %s\n", c.BracketLow, c.BracketHigh, 100*c.Tolerance, dir)
	default:
		fmt.Fprintf(w, "the search did not converge (the bracket %g–%g is wider than %.0f %%): raise the probe limit\n", c.BracketLow, c.BracketHigh, 100*c.Tolerance)
	}
}
