package tco

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseGenAIImport decodes and validates an import overlay (the YAML of
// GenAIImport); file names it in errors.
func ParseGenAIImport(file string, data []byte) (*GenAIImport, error) {
	var o GenAIImport
	root, err := decodeStrict(file, data, &o)
	if err != nil {
		return nil, err
	}
	c := &checker{file: file, root: root}
	p := func(name string) []string { return []string{name} }
	c.name(o.Name)
	c.required(p("description"), o.Description)
	c.required(p("version"), o.Version)
	c.required(p("source"), o.Source)
	c.date(p("checked"), o.Checked)
	c.required(p("reference_model"), o.ReferenceModel)
	for _, id := range slices.Sorted(maps.Keys(o.BatchDiscounts)) {
		b := o.BatchDiscounts[id]
		bp := []string{"batch_discounts", id}
		c.number(sub(bp, "fraction"), b.Fraction, rng{0, 0.9, "(fraction)"})
		c.required(sub(bp, "source"), b.Source)
		c.date(sub(bp, "date"), b.Date)
	}
	return &o, c.err()
}

// ImportGenAIFile imports genai-prices data from dataPath with the overlay
// at overlayPath and checks the result as ParseCatalog would a file.
func ImportGenAIFile(dataPath, overlayPath string) (*Catalog, ImportSummary, error) {
	ob, err := os.ReadFile(overlayPath)
	if err != nil {
		return nil, ImportSummary{}, fmt.Errorf("overlay: %w", err)
	}
	opt, err := ParseGenAIImport(overlayPath, ob)
	if err != nil {
		return nil, ImportSummary{}, err
	}
	f, err := os.Open(dataPath)
	if err != nil {
		return nil, ImportSummary{}, fmt.Errorf("genai-prices data: %w", err)
	}
	defer f.Close()
	cat, sum, err := ImportGenAIPrices(f, dataPath, *opt)
	if err != nil {
		return nil, sum, err
	}
	return cat, sum, CheckCatalog(cat, dataPath)
}

// CheckCatalog validates a catalog built in memory (an import) by the
// rules of ParseCatalog; file names its origin in errors.
func CheckCatalog(cat *Catalog, file string) error {
	c := &checker{file: file}
	checkCatalog(c, cat)
	return c.err()
}

// WriteCatalogYAML writes a catalog as a catalog file (the built-in
// api-2026.yaml is one), with header as leading comment lines.
func WriteCatalogYAML(w io.Writer, cat *Catalog, header string) error {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		if header != "" {
			b.WriteString(strings.TrimRight("# "+line, " ") + "\n")
		}
	}
	enc := yaml.NewEncoder(&stringWriter{&b})
	enc.SetIndent(2)
	if err := enc.Encode(cat); err != nil {
		return fmt.Errorf("write catalog %s: %w", cat.Name, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write catalog %s: %w", cat.Name, err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type stringWriter struct{ b *strings.Builder }

func (s *stringWriter) Write(p []byte) (int, error) { return s.b.Write(p) }

// GenerateCatalog imports genai-prices data with an overlay and writes the
// catalog file, its header naming shownPath as the data's location: what
// go generate ./tco/prices runs to regenerate the built-in api-2026.yaml.
func GenerateCatalog(w io.Writer, dataPath, overlayPath, shownPath string) error {
	cat, sum, err := ImportGenAIFile(dataPath, overlayPath)
	if err != nil {
		return err
	}
	return WriteCatalogYAML(w, cat, ImportHeader(cat, sum, shownPath))
}

// ImportHeader is the comment a generated catalog file opens with.
func ImportHeader(cat *Catalog, sum ImportSummary, dataPath string) string {
	skipped := 0
	for _, n := range sum.Skipped {
		skipped += n
	}
	return fmt.Sprintf(`API price catalog %s: USD per million tokens, imported from genai-prices data
%s (tcobench prices import; the built-in catalog: go generate ./tco/prices). Do not edit by hand: re-import.
Data: %s, listing its prices as current on %s.
%d models of %d providers with text token prices; %d models without them left out.
Each model's checked date is the data's date (genai-prices does not export its
per-model check dates) or the later start date of its price; effective_from is
the date the price took effect, where the data gives one. Prices move fast:
re-import a newer version and re-price old runs with tcobench cost.`,
		cat.Name, dataPath, cat.Version, cat.Checked, sum.Models, sum.Providers, skipped)
}
