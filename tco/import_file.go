package tco

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/tcobench/tcobench/badinput"
)

// GenAIFile is how to import a genai-prices data file: an overlay file
// (the built-in catalog's is tco/prices/genai-prices/overlay.yaml), or the
// catalog's name, version, date and reference model stated one by one.
type GenAIFile struct {
	Overlay        string
	Checked        string // YYYY-MM-DD the data lists its prices as current ("": the overlay's, else today)
	DataVersion    string // "": the file name
	Name           string
	ReferenceModel string
}

// ImportGenAIData imports a genai-prices data file into a price catalog's
// YAML. notes are what a person should know (the date assumed, a reference
// model the data lacks, how many models were imported).
func ImportGenAIData(file string, g GenAIFile) (yaml []byte, notes []string, err error) {
	opt, notes, err := g.options(file)
	if err != nil {
		return nil, nil, err
	}
	in, err := os.Open(file)
	if err != nil {
		return nil, nil, badinput.Errorf("genai-prices data: %w", err)
	}
	defer in.Close()
	cat, sum, err := ImportGenAIPrices(in, file, opt)
	if err != nil {
		return nil, nil, badinput.Wrap(err)
	}
	if _, ok := cat.Find(cat.ReferenceModel); !ok && len(cat.Models) > 0 {
		notes = append(notes, fmt.Sprintf("reference model %s is not in the data: using %s", cat.ReferenceModel, cat.Models[0].Key()))
		cat.ReferenceModel = cat.Models[0].Key()
	}
	if err := CheckCatalog(cat, file); err != nil {
		return nil, nil, badinput.Wrap(err)
	}
	var b bytes.Buffer
	if err := WriteCatalogYAML(&b, cat, ImportHeader(cat, sum, file)); err != nil {
		return nil, nil, err
	}
	skipped := 0
	for _, n := range sum.Skipped {
		skipped += n
	}
	notes = append(notes, fmt.Sprintf("imported %d models of %d providers (%d without text token prices left out); prices dated %s",
		sum.Models, sum.Providers, skipped, cat.Checked))
	return b.Bytes(), notes, nil
}

// options reads the overlay, or builds the import's options from g.
func (g GenAIFile) options(file string) (GenAIImport, []string, error) {
	if g.Overlay != "" {
		data, err := os.ReadFile(g.Overlay)
		if err != nil {
			return GenAIImport{}, nil, badinput.Errorf("overlay: %w", err)
		}
		o, err := ParseGenAIImport(g.Overlay, data)
		if err != nil {
			return GenAIImport{}, nil, badinput.Wrap(err)
		}
		if g.Checked != "" {
			o.Checked = g.Checked
		}
		return *o, nil, nil
	}
	var notes []string
	checked := g.Checked
	if checked == "" {
		checked = time.Now().UTC().Format("2006-01-02")
		notes = append(notes, "no check date given: the prices are dated today, "+checked)
	}
	version := g.DataVersion
	if version == "" {
		version = "genai-prices data " + file
	}
	return GenAIImport{Name: g.Name, Description: "Imported from " + version, Version: version, Checked: checked,
		Source: "pydantic/genai-prices (MIT), " + version, ReferenceModel: g.ReferenceModel}, notes, nil
}
