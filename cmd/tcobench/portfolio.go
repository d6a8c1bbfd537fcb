package main

import (
	"bytes"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/portfolio"
)

const portfolioLong = `Choose per workflow the cheapest option that meets the SLOs and a pass-rate
threshold, by cost per successful task. Options are run directories (a local
model priced on --hardware/--site, or a run against a hosted API priced at
its catalog price), sweep and capacity search directories (the best point, at
capacity), imported traces (their recorded bill and outcomes) and configured
figures (--options FILE; their pass rates are labelled assumed). It reports
the saving against the frontier model for everything, against the best single
option, and the oracle bound, at stated volumes. See docs/outcomes.md.`

func newPortfolioCmd(a *app) *cobra.Command {
	var o struct {
		portfolio.Settings
		harness.PricingSettings
		output
	}
	o.Settings, o.PricingSettings = portfolio.Defaults(), harness.Defaults().Pricing
	cmd := &cobra.Command{
		Use:     "portfolio [RUN_DIR|SWEEP_DIR|TRACE]... [--options FILE] [--min-pass-rate P] [--format F]",
		Short:   "Choose per workflow the cheapest option meeting the SLOs and a pass rate",
		Long:    portfolioLong,
		Example: "  tcobench portfolio runs/qwen-h100 runs/llama-l40s sweeps/qwen --options api.yaml --hardware 8xh100-sxm --site us-colo --volume 20000 --format html --out portfolio.html",
		Args:    wantArgs(0, -1, "run directories or traces"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			pricing, err := o.PortfolioPricing(cmd.Context())
			if err != nil {
				return err
			}
			res, err := o.Settings.Build(args, pricing, o.Volume)
			if err != nil {
				return err
			}
			return a.write(o.output, "portfolio", func(b *bytes.Buffer, f string) error { return res.Write(b, f) })
		},
	}
	o.Settings.Bind(cmd.Flags())
	o.PricingSettings.Bind(cmd.Flags())
	o.bind(cmd.Flags(), "text", portfolio.Formats...)
	return cmd
}
