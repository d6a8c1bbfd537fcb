package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/tco"
)

func newPricesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prices",
		Short: "List, show and validate API price catalogs",
		Long: `API price catalogs list, per model, the USD price per million tokens of input,
cached input (read), cache writes, output and reasoning, the batch discount,
long-context tiers, the date the prices were checked and their source. Built-in
catalogs are listed here; tcobench cost --prices also takes a YAML file path
(start from a copy of a built-in one). Prices move fast: check the dates.`,
		Example: `  tcobench prices list
  tcobench prices show api-2026
  tcobench prices validate my-prices.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newPricesImportCmd(a),
		&cobra.Command{
			Use:   "list",
			Short: "List the built-in price catalogs",
			Args:  cobra.NoArgs,
			RunE:  func(*cobra.Command, []string) error { return listCatalogs(a.out) },
		},
		&cobra.Command{
			Use:   "show [NAME|FILE]",
			Short: "Show a catalog's prices (default api-2026)",
			Args:  wantArgs(0, 1, "at most one catalog NAME or FILE"),
			RunE: func(_ *cobra.Command, args []string) error {
				ref := "api-2026"
				if len(args) == 1 {
					ref = args[0]
				}
				return showCatalog(a.out, ref)
			},
		},
		&cobra.Command{
			Use:   "validate [NAME|FILE...]",
			Short: "Validate catalogs (all built-in ones when none is given); exit 2 if any is invalid",
			Long: `Validate API price catalogs (all built-in ones when none is given): every
price field present (state 0 explicitly when it is zero), none negative, each
within a plausible range, a checked date and a source. Prints "ok FILE (prices)" or one
line per problem, "file:line: field: what is wrong".

EXIT STATUS
  0  every catalog is valid
  2  at least one is invalid`,
			Example: `  tcobench prices validate
  tcobench prices validate my-prices.yaml`,
			RunE: func(_ *cobra.Command, args []string) error {
				if len(args) == 0 {
					args = tco.Names(tco.KindPrices)
				}
				return validateFiles(a.out, args, tco.KindPrices)
			},
		},
	)
	return cmd
}

func listCatalogs(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CATALOG\tMODELS\tCHECKED\tREFERENCE MODEL\tDESCRIPTION")
	for _, n := range tco.Names(tco.KindPrices) {
		c, err := tco.LoadCatalog(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", c.Name, len(c.Models), c.Checked, c.ReferenceModel, c.Description)
	}
	return tw.Flush()
}

func showCatalog(out io.Writer, ref string) error {
	c, err := tco.LoadCatalog(ref)
	if err != nil {
		return withExit(2, err)
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "catalog %s (%s): %s\n  source: %s\n  prices in USD per million tokens (configured)\n", c.Name, c.Path, c.Description, c.Source)
	fmt.Fprintln(tw, "  MODEL\tINPUT\tCACHED\tCACHE WRITE\tOUTPUT\tREASONING\tBATCH OFF\tLONG CONTEXT\tCHECKED")
	for _, m := range c.Models {
		fmt.Fprintf(tw, "  %s\t%g\t%g\t%g\t%g\t%g\t%.0f%%\t%s\t%s\n", m.Key(), *m.InputUSDPerMTok, *m.CachedInputUSDPerMTok,
			*m.CacheWriteUSDPerMTok, *m.OutputUSDPerMTok, *m.ReasoningUSDPerMTok, *m.BatchDiscountFraction*100, tiers(m.LongContext), m.Checked)
	}
	return tw.Flush()
}

func tiers(lc []tco.LongContextTier) string {
	if len(lc) == 0 {
		return "-"
	}
	var s []string
	for _, t := range lc {
		s = append(s, fmt.Sprintf(">%dk: %g/%g", *t.AboveInputTokens/1000, *t.InputUSDPerMTok, *t.OutputUSDPerMTok))
	}
	return strings.Join(s, "; ")
}
