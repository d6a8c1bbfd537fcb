package harness

import (
	"context"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// PriceDir prices a run directory at its offered load, or the best point
// of a sweep or capacity search directory at the node's capacity at the
// SLOs (Price, with its projection), and writes the cost into that run's
// run.json. It returns the cost and the run directory priced.
func PriceDir(ctx context.Context, dir string, req *tco.Request, p Projection) (*runrecord.Cost, string, error) {
	runDir, basis, err := tco.CapacityRun(dir)
	if err != nil {
		return nil, "", err
	}
	run, err := runrecord.ReadRun(runDir)
	if err != nil {
		return nil, "", err
	}
	r := *req
	r.Options.Throughput = basis
	c, err := Price(ctx, &r, p, runDir, run)
	if err != nil {
		return nil, "", err
	}
	return c, runDir, runrecord.WriteRun(runDir, run)
}
