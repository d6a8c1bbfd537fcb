package tco

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// GenAIImport is what an import of genai-prices data adds to the data: the
// catalog's name and description, the data's version and the date it lists
// its prices as current, the default comparison set and batch discounts
// (genai-prices lists none). It is the YAML of an overlay file
// (tco/prices/genai-prices/overlay.yaml).
type GenAIImport struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Version     string `yaml:"version"`
	// Checked (YYYY-MM-DD) dates every imported price whose data gives no
	// later start date of its own: genai-prices does not export its
	// per-model check dates.
	Checked        string   `yaml:"checked"`
	Source         string   `yaml:"source"`
	ReferenceModel string   `yaml:"reference_model"`
	Compare        []string `yaml:"compare,omitempty"`
	// BatchDiscounts by provider id.
	BatchDiscounts map[string]BatchDiscount `yaml:"batch_discounts,omitempty"`
}

// BatchDiscount is one provider's batch-API discount, sourced and dated.
type BatchDiscount struct {
	Fraction *float64 `yaml:"fraction"`
	Source   string   `yaml:"source"`
	Date     string   `yaml:"date"`
}

// ImportSummary says what an import took and what it left out.
type ImportSummary struct {
	Providers, Models int
	// Skipped counts models without text token prices (input and output per
	// million tokens), by reason.
	Skipped map[string]int
}

// maxImportBytes bounds a data file (genai-prices' is about 0.5 MB).
const maxImportBytes = 64 << 20

// ImportGenAIPrices reads genai-prices data (the JSON of pydantic/genai-prices
// prices/data.json) into a catalog: every provider's models that have text
// token prices, each with its input, cache read and write, output and
// reasoning prices, its tiers above an input-token threshold, its per-request
// fee, the provider's batch discount from opt and the date of the price. A
// model's price is the one in force on opt.Checked (the latest start_date
// not after it); where prices vary by time of day, the price that applies
// for most of the day (UTC), the others named in the model's note. file names
// the data in errors, which say file:line:column and the JSON path.
func ImportGenAIPrices(r io.Reader, file string, opt GenAIImport) (*Catalog, ImportSummary, error) {
	sum := ImportSummary{Skipped: map[string]int{}}
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", file, err)
	}
	if len(data) > maxImportBytes {
		return nil, sum, fmt.Errorf("%s: larger than %d MiB: not a genai-prices data file", file, maxImportBytes>>20)
	}
	asOf, err := parseDate(opt.Checked)
	if err != nil {
		return nil, sum, fmt.Errorf("import %s: checked: %w", file, err)
	}
	providers, err := decodeGenAI(file, data)
	if err != nil {
		return nil, sum, err
	}
	im := &importer{file: file, data: data, opt: opt, asOf: asOf}
	cat := &Catalog{Name: opt.Name, Description: opt.Description, Version: opt.Version, Currency: "USD",
		Source: opt.Source, Checked: opt.Checked, ReferenceModel: opt.ReferenceModel, Compare: opt.Compare}
	for i, p := range providers {
		n := 0
		for j, m := range p.Models {
			pm, skip := im.model(i, j, p, m)
			if skip != "" {
				sum.Skipped[skip]++
				continue
			}
			if pm != nil {
				cat.Models = append(cat.Models, *pm)
				n++
			}
		}
		if n > 0 {
			sum.Providers++
		}
	}
	if err := im.err(); err != nil {
		return nil, sum, err
	}
	sum.Models = len(cat.Models)
	return cat, sum, nil
}

// gpProvider and gpModel are the parts of genai-prices data an import reads.
type gpProvider struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	PricingURLs []string  `json:"pricing_urls"`
	Models      []gpModel `json:"models"`
}

type gpModel struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	Prices        json.RawMessage `json:"prices"`
	PriceComments string          `json:"price_comments"`
	Deprecated    bool            `json:"deprecated"`
}

// decodeGenAI checks the data's shape (an array of providers, each with an id
// and models, each model with an id and prices) and decodes it.
func decodeGenAI(file string, data []byte) ([]gpProvider, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, &InvalidError{Problems: []FieldError{{File: file, Reason: "empty file: not genai-prices data"}}}
	}
	if trimmed[0] != '[' {
		what := "a JSON object"
		if trimmed[0] != '{' {
			what = "not JSON"
		}
		at := jsonPos(data, int64(len(data)-len(bytes.TrimLeft(data, " \t\r\n"))))
		return nil, &InvalidError{Problems: []FieldError{{File: file, Line: at.line, Col: at.col,
			Reason: "unknown shape: " + what + "; want genai-prices data (prices/data.json): a JSON array of providers, each with id and models"}}}
	}
	var ps []gpProvider
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, &InvalidError{Problems: []FieldError{jsonProblem(file, data, err)}}
	}
	var probs []FieldError
	for i, p := range ps {
		if p.ID == "" || p.Models == nil {
			probs = append(probs, atPath(file, data, []any{i}, fmt.Sprintf("providers[%d]", i), "unknown shape: a provider needs an id and a models array"))
			continue
		}
		for j, m := range p.Models {
			if m.ID == "" || len(m.Prices) == 0 {
				probs = append(probs, atPath(file, data, []any{i, "models", j}, fmt.Sprintf("providers[%d].models[%d]", i, j), "unknown shape: a model needs an id and prices"))
			}
		}
	}
	if len(probs) > 0 {
		return nil, &InvalidError{Problems: capProblems(probs)}
	}
	return ps, nil
}

// jsonProblem places a JSON decoding error.
func jsonProblem(file string, data []byte, err error) FieldError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		at := jsonPos(data, se.Offset)
		return FieldError{File: file, Line: at.line, Col: at.col, Reason: "not valid JSON: " + se.Error()}
	case errors.As(err, &te):
		at := jsonPos(data, te.Offset)
		return FieldError{File: file, Line: at.line, Col: at.col, Field: te.Field,
			Reason: fmt.Sprintf("unknown shape: %s where genai-prices data has %s", te.Value, te.Type)}
	}
	return FieldError{File: file, Reason: err.Error()}
}

// capProblems keeps the first 20 problems of a badly broken file.
func capProblems(p []FieldError) []FieldError {
	if len(p) > 20 {
		more := len(p) - 20
		p = append(p[:20:20], FieldError{File: p[0].File, Reason: fmt.Sprintf("and %d more problems", more)})
	}
	return p
}

// importer turns decoded models into catalog models, collecting problems.
type importer struct {
	file  string
	data  []byte
	opt   GenAIImport
	asOf  time.Time
	probs []FieldError
}

func (im *importer) err() error {
	if len(im.probs) == 0 {
		return nil
	}
	return &InvalidError{Problems: capProblems(im.probs)}
}

func (im *importer) bad(path []any, reason string) {
	im.probs = append(im.probs, atPath(im.file, im.data, path, gpField(path), reason))
}

// gpField names a path in the data the way its users read it.
func gpField(path []any) string {
	var b strings.Builder
	for i, p := range path {
		switch v := p.(type) {
		case int:
			if i == 0 {
				b.WriteString("providers")
			}
			fmt.Fprintf(&b, "[%d]", v)
		case string:
			b.WriteString("." + v)
		}
	}
	return b.String()
}

// model imports one model, or says why it is skipped ("" and nil when it
// had problems, which are collected).
func (im *importer) model(i, j int, p gpProvider, m gpModel) (*PriceModel, string) {
	path := []any{i, "models", j, "prices"}
	sets, err := im.priceSets(path, m.Prices)
	if err != nil {
		return nil, ""
	}
	tps := make([]textPrices, len(sets))
	valid := true
	for k, s := range sets {
		var ok bool
		tps[k], ok = im.textPrices(sub[any](path, s.path...), s.prices)
		valid = valid && ok
	}
	if !valid {
		return nil, ""
	}
	best, others := im.choose(sets)
	chosen, tp := sets[best], tps[best]
	if tp.input == nil || tp.output == nil {
		return nil, "no text token prices (input_mtok and output_mtok)"
	}
	pm := tp.model(p.ID, m.ID)
	pm.EffectiveFrom = chosen.startDate
	pm.Checked = im.opt.Checked
	if chosen.startDate > im.opt.Checked {
		pm.Checked = chosen.startDate
	}
	pm.Source = fmt.Sprintf("genai-prices %s: provider %s, model %s", versionWord(im.opt.Version), p.ID, m.ID)
	if len(p.PricingURLs) > 0 {
		pm.Source += " (" + p.PricingURLs[0] + ")"
	}
	batch, batchNote := 0.0, "No batch price listed."
	if b, ok := im.opt.BatchDiscounts[p.ID]; ok && b.Fraction != nil {
		batch, batchNote = *b.Fraction, ""
	}
	pm.BatchDiscountFraction = &batch
	pm.Note = joinNotes(append(tp.notes(m, sets, tps, others), batchNote)...)
	return pm, ""
}

// versionWord is the data's version in a source line: its first two words.
func versionWord(v string) string {
	f := strings.Fields(v)
	if len(f) >= 2 && f[0] == "genai-prices" {
		return f[1]
	}
	if len(f) > 0 {
		return f[0]
	}
	return "(unversioned)"
}

func joinNotes(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
