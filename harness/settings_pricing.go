package harness

import (
	"cmp"
	"errors"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// PricingSettings are the settings that price a run (tcobench cost, and run
// with --hardware and --site).
type PricingSettings struct {
	Hardware, Site, Prices string
	// Utilization, APIPriceDecline and TokenGrowth are configured when stated,
	// assumed (the defaults) otherwise.
	Utilization, APIPriceDecline, TokenGrowth Stated
	Volume                                    string // tasks per day, "20000" or "20000/day"
	ReferenceModel                            string
	// Models are the API models to price (keys, names or patterns); nil: the catalog's compare list.
	Models []string
	// Rent names the rental profiles to price the same throughput on; nil:
	// the built-in ones with the same hardware; "none": no rentals.
	Rent []string
	// StaleAfter is the price age past which a price is flagged (0: 90 days).
	StaleAfter time.Duration
	// ModelArch and AsMeasured: see Projection.
	ModelArch  string
	AsMeasured bool
}

// Projection returns the settings' projection choices.
func (p PricingSettings) Projection() Projection {
	return Projection{ModelArch: p.ModelArch, AsMeasured: p.AsMeasured}
}

// Bind registers the pricing settings on fs.
func (p *PricingSettings) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&p.Hardware, "hardware", p.Hardware, "hardware profile: built-in name (tcobench profiles list) or YAML file")
	fs.StringVar(&p.Site, "site", p.Site, "site profile: built-in name or YAML file")
	fs.StringVar(&p.Prices, "prices", p.Prices, "API price catalog: built-in name (tcobench prices list) or YAML file (default: "+tco.DefaultCatalog+"; when re-pricing a run, the one it was priced with)")
	fs.Var(&p.Utilization, "utilization", "average utilization of the node, 0-1 (unset: 0.5, labelled assumed)")
	fs.StringVar(&p.Volume, "volume", p.Volume, "tasks per day for payback and projection, e.g. 20000 or 20000/day (unset: one node's capacity × utilization)")
	fs.StringVar(&p.ReferenceModel, "reference-model", p.ReferenceModel, "API model (provider/model) of the sensitivity and projection (unset: the catalog's reference)")
	fs.Var(&p.APIPriceDecline, "api-price-decline", "yearly API price decline for the projection, fraction (unset: 0.30, labelled assumed)")
	fs.Var(&p.TokenGrowth, "token-growth", "yearly growth of tokens per task for the projection, fraction (unset: 0.25, labelled assumed)")
	fs.StringSliceVar(&p.Models, "models", p.Models, "API models to price: provider/model, a model name, or a pattern like *llama-3.3-70b* (default: the catalog's compare list)")
	fs.StringSliceVar(&p.Rent, "rent", p.Rent, "rental profiles to price the same throughput on (default: the built-in ones with the same hardware; none for none)")
	fs.DurationVar(&p.StaleAfter, "stale-after", p.StaleAfter, "flag API and rental prices older than this (0: 90 days)")
	fs.StringVar(&p.ModelArch, "model-arch", p.ModelArch, "architecture of the run's model, to project a run measured on other hardware onto the profile's: built-in name, GGUF file or config.json (default: the run's model name)")
	fs.BoolVar(&p.AsMeasured, "as-measured", p.AsMeasured, "price the measured throughput even when the run was measured on other hardware than the profile's (labelled so)")
}

// FromRecord fills the profiles not stated from the ones a run was priced
// with (its recorded cost), so that re-pricing an old run takes the same
// hardware, site and prices unless told otherwise. Without either, pricing
// needs both stated.
func (p *PricingSettings) FromRecord(c *runrecord.Cost) error {
	if c != nil {
		if p.Hardware == "" {
			p.Hardware = profileRef(c.Hardware)
		}
		if p.Site == "" {
			p.Site = profileRef(c.Site)
		}
		if p.Prices == "" {
			p.Prices = profileRef(c.Prices)
		}
	}
	if !p.Asked() {
		return badinput.Field("hardware", nil, "the run was never priced: name a hardware and a site profile (tcobench profiles list)")
	}
	return nil
}

// Catalog loads the API price catalog Prices names ("": tco.DefaultCatalog).
func (p PricingSettings) Catalog() (*tco.Catalog, error) {
	c, err := tco.LoadCatalog(p.Prices)
	return c, badinput.Wrap(err)
}

// Asked reports whether pricing was asked for (a hardware or site profile named).
func (p PricingSettings) Asked() bool { return p.Hardware != "" || p.Site != "" }

// Request loads the profiles and the catalog and checks the scenario; nil
// when no pricing was asked for.
func (p PricingSettings) Request() (*tco.Request, error) {
	if !p.Asked() {
		return nil, nil
	}
	if p.Hardware == "" {
		return nil, badinput.Field("hardware", nil, "pricing needs a hardware profile as well as a site (tcobench profiles list)")
	}
	if p.Site == "" {
		return nil, badinput.Field("site", nil, "pricing needs a site profile as well as hardware (tcobench profiles list)")
	}
	var r tco.Request
	var err error
	if r.Hardware, err = tco.LoadHardware(p.Hardware); err != nil {
		return nil, badinput.Wrap(err)
	}
	if r.Site, err = tco.LoadSite(p.Site); err != nil {
		return nil, badinput.Wrap(err)
	}
	if r.Catalog, err = p.Catalog(); err != nil {
		return nil, err
	}
	if r.Options, err = p.options(); err != nil {
		return nil, err
	}
	if m := r.Options.ReferenceModel; m != "" {
		if _, err := r.Catalog.Lookup(m); err != nil {
			var le *tco.LookupError
			if errors.As(err, &le) && len(le.Providers) > 1 {
				return nil, badinput.Field("reference-model", m, "%s", le.Reason())
			}
			return nil, badinput.Field("reference-model", m, "is not in price catalog %s (tcobench prices show %s lists its models)", r.Catalog.Name, cmp.Or(p.Prices, tco.DefaultCatalog))
		}
	}
	return &r, nil
}

// options turns the scenario settings into tco options, labelling each
// value configured when stated and assumed when it is the default.
func (p PricingSettings) options() (tco.Options, error) {
	opt := tco.DefaultOptions()
	stated := func(key, unit string, s Stated, dst *runrecord.Figure) {
		if s.Given {
			*dst = runrecord.Figure{Value: s.Value, Provenance: runrecord.Configured, Source: key + " (" + unit + ")"}
		}
	}
	stated("utilization", "fraction", p.Utilization, &opt.Utilization)
	stated("api-price-decline", "fraction per year", p.APIPriceDecline, &opt.APIPriceDeclinePerYear)
	stated("token-growth", "fraction per year", p.TokenGrowth, &opt.TokensPerTaskGrowthPerYear)
	if n, err := tco.ParseVolume(p.Volume); err != nil {
		return opt, badinput.Field("volume", p.Volume, "%v", err)
	} else if n > 0 {
		opt.VolumeTasksPerDay = runrecord.Figure{Value: n, Provenance: runrecord.Configured, Source: "volume (tasks per day)"}
	}
	opt.ReferenceModel, opt.Models, opt.StaleAfter = p.ReferenceModel, p.Models, p.StaleAfter
	if p.StaleAfter < 0 {
		return opt, badinput.Field("stale-after", p.StaleAfter, "must not be negative")
	}
	if rentals, err := loadRentals(p.Rent); err != nil {
		return opt, err
	} else if p.Rent != nil {
		opt.Rentals = rentals
	}
	if u := opt.Utilization.Value; !(u > 0 && u <= 1) {
		return opt, badinput.Field("utilization", u, "want a fraction above 0 and at most 1 (0.5 is 50 %%)")
	}
	if d := opt.APIPriceDeclinePerYear.Value; !(d >= 0 && d < 1) {
		return opt, badinput.Field("api-price-decline", d, "want a fraction per year from 0 up to (not including) 1")
	}
	if g := opt.TokensPerTaskGrowthPerYear.Value; !(g >= 0 && g <= 10) {
		return opt, badinput.Field("token-growth", g, "want a fraction per year from 0 to 10")
	}
	return opt, nil
}

// loadRentals loads the named rental profiles ("none": an empty list).
func loadRentals(names []string) ([]*tco.Rental, error) {
	out := []*tco.Rental{}
	for _, n := range names {
		if n == "none" {
			continue
		}
		r, err := tco.LoadRental(n)
		if err != nil {
			return nil, badinput.Field("rent", n, "%v", err)
		}
		out = append(out, r)
	}
	return out, nil
}

// profileRef names a recorded profile as a setting takes it: the built-in
// name, or the file path.
func profileRef(r runrecord.ProfileRef) string {
	if r.Path == "" || strings.HasPrefix(r.Path, tco.EmbeddedPrefix) {
		return r.Name
	}
	return r.Path
}
