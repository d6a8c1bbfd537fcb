package harness

import (
	"context"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/portfolio"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// PriceDir is tcobench cost: it prices a run directory at its offered
// load, or the best point of a sweep or capacity search directory at the
// node's capacity at the SLOs (PriceRun), and writes the cost beside that
// run (cost.json; run.json keeps what the run recorded). A killed run's
// directory is recovered first. It returns the cost and the run directory
// priced.
func PriceDir(ctx context.Context, dir string, req *tco.Request, ps PricingSettings) (*runrecord.Cost, string, error) {
	runDir, basis, err := tco.CapacityRun(dir)
	if err != nil {
		return nil, "", err
	}
	run, err := metrics.LoadRun(runDir)
	if err != nil {
		return nil, "", badinput.Wrap(err)
	}
	if err := runrecord.LatestCost(runDir, run); err != nil {
		return nil, "", err
	}
	c, err := PriceRun(ctx, req, ps, runDir, run, basis)
	if err != nil {
		return nil, "", err
	}
	return c, runDir, runrecord.WriteCost(runDir, c)
}

// PriceRun prices a loaded run (Price, with ps's projection) at basis (nil:
// at its offered load). With req nil the profiles ps leaves unstated are
// those the run was last priced with: run.Cost, which the caller has read
// as runrecord.LatestCost does (cost.json, else run.json).
func PriceRun(ctx context.Context, req *tco.Request, ps PricingSettings, runDir string, run *runrecord.Run, basis *runrecord.ThroughputBasis) (*runrecord.Cost, error) {
	if req == nil {
		if err := ps.FromRecord(run.Cost); err != nil {
			return nil, err
		}
		var err error
		if req, err = ps.Request(); err != nil {
			return nil, err
		}
	}
	r := *req
	r.Options.Throughput = basis
	return Price(ctx, &r, ps.Projection(), runDir, run)
}

// PortfolioPricing is how tcobench portfolio prices its options with these
// settings: stated profiles price every local run now (PriceRun, with the
// projection); without, a run takes its latest cost, re-priced on its own
// profiles when a sweep's best point was not priced at capacity. Runs
// against a hosted API are priced from the catalog Prices names.
func (p PricingSettings) PortfolioPricing(ctx context.Context) (portfolio.Pricing, error) {
	req, err := p.Request()
	if err != nil {
		return portfolio.Pricing{}, err
	}
	pr := portfolio.Pricing{Always: req != nil, Price: func(dir string, run *runrecord.Run, basis *runrecord.ThroughputBasis) (*runrecord.Cost, error) {
		return PriceRun(ctx, req, p, dir, run, basis)
	}}
	if req != nil {
		pr.Catalog = req.Catalog
	} else if pr.Catalog, err = p.Catalog(); err != nil {
		return portfolio.Pricing{}, err
	}
	return pr, nil
}
