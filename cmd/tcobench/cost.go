package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

func newCostCmd(a *app) *cobra.Command {
	var o struct {
		harness.PricingSettings
		JSON            bool
		Fleet, FleetDSN string
	}
	o.PricingSettings = harness.Defaults().Pricing
	cmd := &cobra.Command{
		Use:   "cost RUN_DIR --hardware P --site S [--prices F] [--utilization U] [--volume N/day] [--json]",
		Short: "Price a run: on-prem cost per task against API models, break-even",
		Long:  helpText("cost"),
		Example: `  tcobench cost runs/ticket-c8 --hardware 8xh100-sxm --site us-colo
  tcobench cost runs/demo --hardware cpu-server --site office --utilization 0.3 --json
  tcobench cost runs/demo --hardware my-server.yaml --site my-site.yaml --prices my-prices.yaml`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			want, what := 1, "one RUN_DIR"
			if o.Fleet != "" {
				want, what = 0, "no RUN_DIR with --fleet"
			}
			if err := wantArgs(want, want, what)(cmd, args); err != nil {
				return err
			}
			if !o.Asked() {
				return usageErrorf("cost needs --hardware and --site (tcobench profiles list)")
			}
			req, err := o.Request()
			if err != nil {
				return err
			}
			var c *runrecord.Cost
			if o.Fleet != "" {
				run, err := fleet.Cost(cmd.Context(), o.FleetDSN, o.Fleet, req)
				if err != nil {
					return err
				}
				return a.printCost(run.Cost, o.JSON)
			}
			dir := args[0]
			if _, err := os.Stat(filepath.Join(dir, runrecord.RunFile)); err != nil {
				return usageErrorf("%s: not a run directory (no run.json; tcobench run writes one)", dir)
			}
			run, err := runrecord.ReadRun(dir)
			if err != nil {
				return err
			}
			if c, err = req.Price(dir, run); err != nil {
				return err
			}
			if err := runrecord.WriteRun(dir, run); err != nil {
				return err
			}
			return a.printCost(c, o.JSON)
		},
	}
	o.Bind(cmd.Flags())
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the comparison as JSON instead of a table")
	cmd.Flags().StringVar(&o.Fleet, "fleet", "", "price the fleet run of this ID, merged from the results store: its nodes × the hardware profile")
	cmd.Flags().StringVar(&o.FleetDSN, "store", "", "results store DSN of --fleet (default: SQLite in the user's data directory)")
	return cmd
}

// printCost prints a comparison as a table, or as JSON.
func (a *app) printCost(c *runrecord.Cost, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	return tco.WriteTable(a.out, c)
}
