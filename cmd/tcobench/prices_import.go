package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/tco"
)

// newPricesImportCmd is tcobench prices import: genai-prices data into a catalog.
func newPricesImportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE [--overlay F] [--checked YYYY-MM-DD] [--data-version V] [--out CATALOG.yaml]",
		Short: "Import genai-prices data (prices/data.json) into a price catalog",
		Long: `Import the price data of pydantic/genai-prices (its prices/data.json, MIT)
into a price catalog: every provider's models with text token prices, with
cache read and write prices, tiers above an input-token threshold, per-request
fees and the date of each price. The data carries no check dates: state the
date it lists its prices as current with --checked (default today), or give an
overlay file (tco/prices/genai-prices/overlay.yaml is the built-in catalog's)
that names the catalog, the data's version and date, the models cost compares
by default and batch discounts. The catalog is written to --out (default
standard output); tcobench cost --prices takes it.

EXIT STATUS
  0  imported
  2  bad usage, or data of an unknown shape, a negative price, a price without a unit`,
		Example: `  tcobench prices import data.json --checked 2026-11-30 --out my-prices.yaml
  tcobench prices import tco/prices/genai-prices/data.json --overlay tco/prices/genai-prices/overlay.yaml`,
		Args: wantArgs(1, 1, "one genai-prices data FILE"),
		RunE: func(_ *cobra.Command, args []string) error { return a.importPrices(args[0]) },
	}
	f := cmd.Flags()
	f.String("overlay", "", "overlay YAML naming the catalog, the data's version and date, the compare list and batch discounts")
	f.String("checked", "", "date the data lists its prices as current, YYYY-MM-DD (unset: today; the overlay's when given)")
	f.String("data-version", "", "the data's version, e.g. \"genai-prices 0.1.8\" (unset: the file name)")
	f.String("name", "genai-prices", "the catalog's name")
	f.String("reference-model", "openai/gpt-5-mini", "API model (provider/model) of the sensitivity and projection")
	f.String("out", "", "write the catalog to this file instead of standard output")
	return cmd
}

func (a *app) importPrices(file string) error {
	opt, err := a.importOptions(file)
	if err != nil {
		return err
	}
	in, err := os.Open(file)
	if err != nil {
		return withExit(2, fmt.Errorf("genai-prices data: %w", err))
	}
	defer in.Close()
	cat, sum, err := tco.ImportGenAIPrices(in, file, opt)
	if err != nil {
		return withExit(2, err)
	}
	if _, ok := cat.Find(cat.ReferenceModel); !ok && len(cat.Models) > 0 {
		fmt.Fprintf(a.errOut, "reference model %s is not in the data: using %s\n", cat.ReferenceModel, cat.Models[0].Key())
		cat.ReferenceModel = cat.Models[0].Key()
	}
	if err := tco.CheckCatalog(cat, file); err != nil {
		return withExit(2, err)
	}
	var b bytes.Buffer
	if err := tco.WriteCatalogYAML(&b, cat, tco.ImportHeader(cat, sum, file)); err != nil {
		return err
	}
	skipped := 0
	for _, n := range sum.Skipped {
		skipped += n
	}
	fmt.Fprintf(a.errOut, "imported %d models of %d providers (%d without text token prices left out); prices dated %s\n", sum.Models, sum.Providers, skipped, cat.Checked)
	if out := a.v.GetString("out"); out != "" {
		return os.WriteFile(out, b.Bytes(), 0o644)
	}
	_, err = a.out.Write(b.Bytes())
	return err
}

// importOptions reads the overlay, or builds the import's options from the flags.
func (a *app) importOptions(file string) (tco.GenAIImport, error) {
	if ov := a.v.GetString("overlay"); ov != "" {
		data, err := os.ReadFile(ov)
		if err != nil {
			return tco.GenAIImport{}, withExit(2, fmt.Errorf("overlay: %w", err))
		}
		o, err := tco.ParseGenAIImport(ov, data)
		if err != nil {
			return tco.GenAIImport{}, withExit(2, err)
		}
		if c := a.v.GetString("checked"); c != "" {
			o.Checked = c
		}
		return *o, nil
	}
	checked := a.v.GetString("checked")
	if checked == "" {
		checked = time.Now().UTC().Format("2006-01-02")
		fmt.Fprintf(a.errOut, "no --checked date given: the prices are dated today, %s\n", checked)
	}
	version := a.v.GetString("data-version")
	if version == "" {
		version = "genai-prices data " + file
	}
	return tco.GenAIImport{Name: a.v.GetString("name"), Description: "Imported from " + version, Version: version, Checked: checked,
		Source: "pydantic/genai-prices (MIT), " + version, ReferenceModel: a.v.GetString("reference-model")}, nil
}
