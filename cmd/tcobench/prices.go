package main

import (
	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/tco"
)

func newPricesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prices",
		Short: "List, show and validate API price catalogs",
		Long:  helpText("prices"),
		Example: `  tcobench prices list
  tcobench prices show api-2026
  tcobench prices validate my-prices.yaml`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newPricesImportCmd(a),
		&cobra.Command{
			Use:   "list",
			Short: "List the built-in price catalogs",
			RunE:  func(*cobra.Command, []string) error { return tco.WriteCatalogList(a.out, tco.Names(tco.KindPrices)) },
		},
		&cobra.Command{
			Use:   "show [NAME|FILE]",
			Short: "Show a catalog's prices (default api-2026)",
			Args:  wantArgs(0, 1, "at most one catalog NAME or FILE"),
			RunE: func(_ *cobra.Command, args []string) error {
				ref := tco.DefaultCatalog
				if len(args) == 1 {
					ref = args[0]
				}
				return tco.WriteCatalog(a.out, ref)
			},
		},
		&cobra.Command{
			Use:   "validate [NAME|FILE...]",
			Short: "Validate catalogs (all built-in ones when none is given); exit 2 if any is invalid",
			Long:  helpText("prices-validate"),
			Args:  wantArgs(0, -1, "profile or catalog NAMEs or FILEs"),
			Example: `  tcobench prices validate
  tcobench prices validate my-prices.yaml`,
			RunE: func(_ *cobra.Command, args []string) error {
				if len(args) == 0 {
					args = tco.Names(tco.KindPrices)
				}
				return tco.ValidateFiles(a.out, args, tco.KindPrices)
			},
		},
	)
	return cmd
}
