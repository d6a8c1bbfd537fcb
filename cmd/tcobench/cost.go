package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/tco"
)

const costLong = `Price a run: the on-prem cost of one node of a hardware profile at a site
(capex, maintenance, staff, facility, energy), per task, request and million
tokens, in a fleet view (at a stated average utilization, idle time and capex
included) and a marginal view (energy above idle only); beside it the API cost
of the run's measured tokens on every model of a price catalog, break-even
volume, payback, a utilization curve, a ±20 % sensitivity and a projection.

Profiles and catalogs are built-in names (tcobench profiles list, tcobench
prices list) or YAML file paths. Every figure says whether it was measured (by
the run), configured (a sourced figure, a flag) or assumed (an estimate, a
default). The comparison is written into run.json ("cost"), so an old run can
be re-priced when prices change. Given a sweep or capacity search directory,
it prices the best point's run: the node's cost is spread over its capacity
at the SLOs; a single run is priced at its offered load, and says so. Cost
per successful task stands beside cost per task. See docs/cost-model.md and
docs/outcomes.md.

EXIT STATUS
  0  priced
  1  the run cannot be priced (no task completed, no throughput)
  2  bad usage or unusable input: no such run directory, unknown or invalid
     profile or catalog, flag values out of range`

func newCostCmd(a *app) *cobra.Command {
	var o struct {
		harness.PricingSettings
		JSON bool
	}
	o.PricingSettings = harness.Defaults().Pricing
	cmd := &cobra.Command{
		Use:   "cost RUN_DIR|SWEEP_DIR --hardware P --site S [--prices F] [--utilization U] [--volume N/day] [--json]",
		Short: "Price a run: on-prem cost per task against API models, break-even",
		Long:  costLong,
		Example: `  tcobench cost runs/ticket-c8 --hardware 8xh100-sxm --site us-colo
  tcobench cost runs/demo --hardware cpu-server --site office --utilization 0.3 --json
  tcobench cost runs/demo --hardware my-server.yaml --site my-site.yaml --prices my-prices.yaml`,
		Args: wantArgs(1, 1, "one RUN_DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !o.Asked() {
				return usageErrorf("cost needs --hardware and --site (tcobench profiles list)")
			}
			req, err := o.Request()
			if err != nil {
				return err
			}
			c, _, err := harness.PriceDir(args[0], req)
			if err != nil {
				return err
			}
			if o.JSON {
				enc := json.NewEncoder(a.out)
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			}
			return tco.WriteTable(a.out, c)
		},
	}
	o.Bind(cmd.Flags())
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the comparison as JSON instead of a table")
	return cmd
}
