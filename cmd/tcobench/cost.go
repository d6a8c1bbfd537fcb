package main

import (
	"bytes"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

func newCostCmd(a *app) *cobra.Command {
	var o struct {
		harness.PricingSettings
		output
		JSON            bool
		Fleet, FleetDSN string
	}
	o.PricingSettings = harness.Defaults().Pricing
	cmd := &cobra.Command{
		Use:   "cost RUN_DIR|SWEEP_DIR [--hardware P --site S] [--prices F] [--utilization U] [--volume N/day] [--format text|md|json]",
		Short: "Price a run: on-prem cost per task against API models, break-even",
		Long:  helpText("cost"),
		Example: `  tcobench cost runs/ticket-c8 --hardware 8xh100-sxm --site us-colo
  tcobench cost runs/demo --utilization 0.3 --format json     # the profiles the run was priced with
  tcobench cost runs/demo --hardware my-server.yaml --site my-site.yaml --prices my-prices.yaml`,
		Args: wantArgs(0, 1, "one RUN_DIR or SWEEP_DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Fleet == "" && len(args) == 0 {
				return wantArgs(1, 1, "one RUN_DIR or SWEEP_DIR")(cmd, args)
			}
			if o.JSON {
				o.Format = "json"
			}
			if err := o.check(); err != nil {
				return err
			}
			ps := o.PricingSettings
			var req *tco.Request
			var err error
			if ps.Asked() { // the profiles are checked before the run is read
				if req, err = ps.Request(); err != nil {
					return err
				}
			}
			if o.Fleet != "" {
				if req == nil {
					return usageErrorf("cost --fleet needs --hardware and --site (tcobench profiles list)")
				}
				if ps.ModelArch != "" {
					return usageErrorf("cost --fleet prices the fleet's nodes as measured, never projected: --model-arch does not apply")
				}
				run, err := fleet.Cost(cmd.Context(), o.FleetDSN, o.Fleet, req)
				if err != nil {
					return err
				}
				return a.write(o.output, "cost", func(b *bytes.Buffer, f string) error { return writeCost(b, run.Cost, f) })
			}
			c, _, err := harness.PriceDir(cmd.Context(), args[0], req, ps)
			if err != nil {
				return err
			}
			return a.write(o.output, "cost", func(b *bytes.Buffer, f string) error { return writeCost(b, c, f) })
		},
	}
	o.Bind(cmd.Flags())
	o.bind(cmd.Flags(), "text", "text", "md", "json")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "same as --format json")
	_ = cmd.Flags().MarkHidden("json")
	cmd.Flags().StringVar(&o.Fleet, "fleet", "", "price the fleet run of this ID, merged from the results store: its nodes × the hardware profile")
	cmd.Flags().StringVar(&o.FleetDSN, "store", "", "results store DSN of --fleet (default: SQLite in the user's data directory)")
	return cmd
}

func writeCost(b *bytes.Buffer, c *runrecord.Cost, format string) error {
	switch format {
	case "json":
		return writeJSON(b, c)
	case "md":
		return report.CostMarkdown(b, c)
	}
	return tco.WriteTable(b, c)
}
