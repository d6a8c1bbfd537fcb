package harness

import (
	"context"
	"fmt"

	"github.com/tcobench/tcobench/perfmodel"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Projection says how a run measured on other hardware than the pricing's
// hardware profile is priced there.
type Projection struct {
	// ModelArch names the run's model architecture for the performance
	// model: a built-in name, a GGUF file or a config.json ("": the run's
	// model name).
	ModelArch string
	// AsMeasured prices the measured throughput as it is, with a note
	// saying it was measured elsewhere, instead of projecting it.
	AsMeasured bool
}

// Price prices run (in dir) with req and stores the comparison in
// run.Cost. A run measured on other hardware than req.Hardware is projected
// there by the performance model (perfmodel.ProjectIfElsewhere), its
// throughput labelled projected, unless p.AsMeasured; req is not changed.
func Price(ctx context.Context, req *tco.Request, p Projection, dir string, run *runrecord.Run) (*runrecord.Cost, error) {
	r := *req
	if p.AsMeasured {
		c, err := r.Price(dir, run)
		if err == nil {
			if same, why := perfmodel.MeasuredOn(run, r.Hardware); !same {
				c.Notes = append(c.Notes, fmt.Sprintf("throughput as measured, not projected (as-measured): %s", why))
			}
		}
		return c, err
	}
	if _, err := perfmodel.ProjectIfElsewhere(ctx, &r, dir, run, p.ModelArch); err != nil {
		return nil, err
	}
	return r.Price(dir, run)
}
