package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/tco"
)

// newPricesImportCmd is tcobench prices import: genai-prices data into a catalog.
func newPricesImportCmd(a *app) *cobra.Command {
	g := tco.GenAIFile{Name: "genai-prices", ReferenceModel: "openai/gpt-5-mini"}
	var out string
	cmd := &cobra.Command{
		Use:   "import FILE [--overlay F] [--checked YYYY-MM-DD] [--data-version V] [--out CATALOG.yaml]",
		Short: "Import genai-prices data (prices/data.json) into a price catalog",
		Long:  helpText("prices-import"),
		Example: `  tcobench prices import data.json --checked 2026-11-30 --out my-prices.yaml
  tcobench prices import tco/prices/genai-prices/data.json --overlay tco/prices/genai-prices/overlay.yaml`,
		Args: wantArgs(1, 1, "one genai-prices data FILE"),
		RunE: func(_ *cobra.Command, args []string) error {
			b, notes, err := tco.ImportGenAIData(args[0], g)
			for _, n := range notes {
				fmt.Fprintln(a.errOut, n)
			}
			if err != nil {
				return err
			}
			return a.writeOut(b, out, "catalog")
		},
	}
	f := cmd.Flags()
	f.StringVar(&g.Overlay, "overlay", "", "overlay YAML naming the catalog, the data's version and date, the compare list and batch discounts")
	f.StringVar(&g.Checked, "checked", "", "date the data lists its prices as current, YYYY-MM-DD (unset: today; the overlay's when given)")
	f.StringVar(&g.DataVersion, "data-version", "", "the data's version, e.g. \"genai-prices 0.1.8\" (unset: the file name)")
	f.StringVar(&g.Name, "name", g.Name, "the catalog's name")
	f.StringVar(&g.ReferenceModel, "reference-model", g.ReferenceModel, "API model (provider/model) of the sensitivity and projection")
	f.StringVar(&out, "out", "", "write the catalog to this file instead of standard output")
	return cmd
}
