package tco

import (
	"fmt"
	"path"
	"strings"
)

// Select returns the models to price: those refs name, in the order of the
// refs (a pattern's matches in catalog order), or, with no refs, the
// catalog's compare list (every model when it has none). A ref is a key
// ("provider/model"), else a bare model name (every provider's model of that
// name), or a pattern with * and ? matched against keys and names without
// regard to case ("*llama-3.3-70b*": every provider's Llama 3.3 70B). A ref
// that matches nothing is an error.
func (c *Catalog) Select(refs []string) ([]*PriceModel, error) {
	if len(refs) == 0 {
		refs = c.Compare
	}
	if len(refs) == 0 {
		out := make([]*PriceModel, len(c.Models))
		for i := range c.Models {
			out[i] = &c.Models[i]
		}
		return out, nil
	}
	var out []*PriceModel
	seen := map[*PriceModel]bool{}
	for _, ref := range refs {
		found := c.byKey(ref)
		if found == nil {
			for i := range c.Models {
				if matchModel(&c.Models[i], ref) {
					found = append(found, &c.Models[i])
				}
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("model %q is not in price catalog %s (give provider/model, a model name or a pattern such as *llama-3.3-70b*)", ref, c.Name)
		}
		for _, m := range found {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// byKey is the model whose key is exactly ref, if any.
func (c *Catalog) byKey(ref string) []*PriceModel {
	for i := range c.Models {
		if c.Models[i].Key() == ref {
			return []*PriceModel{&c.Models[i]}
		}
	}
	return nil
}

func matchModel(m *PriceModel, ref string) bool {
	if !strings.ContainsAny(ref, "*?[") {
		return m.Model == ref
	}
	// path.Match's * stops at '/': fold slashes so that *llama-3.3-70b*
	// also finds together/meta-llama/Llama-3.3-70B-Instruct-Turbo.
	fold := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "/", "\x00") }
	p := fold(ref)
	for _, s := range []string{m.Key(), m.Model} {
		if ok, _ := path.Match(p, fold(s)); ok {
			return true
		}
	}
	return false
}

// CatalogInfo is what prices list shows of a catalog.
type CatalogInfo struct {
	Name, Description, Path string
	// Version names the data the catalog came from; empty for a hand-written one.
	Version string
	// Checked is the catalog's date; Oldest the oldest price's date and
	// OldestModel whose price it is.
	Checked, Oldest, OldestModel string
	Models                       int
	ReferenceModel               string
}

// Info summarises the catalog: its version, its date and its oldest price.
func (c *Catalog) Info() CatalogInfo {
	in := CatalogInfo{Name: c.Name, Description: c.Description, Path: c.Path, Version: c.Version,
		Checked: c.Checked, Models: len(c.Models), ReferenceModel: c.ReferenceModel}
	for i := range c.Models {
		m := &c.Models[i]
		if in.Oldest == "" || dateBefore(m.Checked, in.Oldest) {
			in.Oldest, in.OldestModel = m.Checked, m.Key()
		}
	}
	return in
}

// dateBefore compares YYYY-MM-DD or YYYY-MM dates (a month counts as its first day).
func dateBefore(a, b string) bool {
	ta, erra := parseDate(a)
	tb, errb := parseDate(b)
	if erra != nil || errb != nil {
		return a < b
	}
	return ta.Before(tb)
}
