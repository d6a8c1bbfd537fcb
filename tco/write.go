package tco

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/tcobench/tcobench/badinput"
)

// WriteProfiles lists the built-in hardware and site profiles.
func WriteProfiles(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HARDWARE\tACCELERATORS\tCAPEX USD/NODE\tPOWER IDLE/BUSY/MAX W\tDESCRIPTION")
	for _, n := range Names(KindHardware) {
		h, err := LoadHardware(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%.0f × %s\t%.0f\t%.0f / %.0f / %.0f\t%s\n", h.Name, h.AcceleratorsPerNode.V(), h.AcceleratorModel,
			h.ServerCapexUSDPerNode.V(), h.NodePowerIdleW.V(), h.NodePowerBusyW.V(), h.NodePowerMaxW.V(), h.Description)
	}
	fmt.Fprintln(tw, "\nSITE\tUSD/KWH\tPUE\tFACILITY\tDESCRIPTION")
	for _, n := range Names(KindSite) {
		s, err := LoadSite(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%.4g\t%.2f\t%s\t%s\n", s.Name, s.ElectricityUSDPerKWh.V(), s.PUE.V(), s.FacilityModel, s.Description)
	}
	fmt.Fprintln(tw, "\nRENTAL\tPROVIDER\tHARDWARE\tTERMS\tDESCRIPTION")
	for _, n := range Names(KindRental) {
		r, err := LoadRental(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Provider, r.Hardware, strings.Join(sortedTerms(r.Terms), ", "), r.Description)
	}
	return tw.Flush()
}

// WriteProfile shows a profile's figures with their provenance and sources.
func WriteProfile(out io.Writer, ref string) error {
	var (
		title string
		figs  []NamedFigure
		extra [][2]string
	)
	switch KindOf(ref) {
	case KindHardware:
		h, err := LoadHardware(ref)
		if err != nil {
			return badinput.Wrap(err)
		}
		title, figs = fmt.Sprintf("hardware %s (%s): %s", h.Name, h.Path, h.Description), h.Figures()
		extra = [][2]string{{"accelerator_model", h.AcceleratorModel}}
	case KindSite:
		s, err := LoadSite(ref)
		if err != nil {
			return badinput.Wrap(err)
		}
		title, figs = fmt.Sprintf("site %s (%s): %s", s.Name, s.Path, s.Description), s.Figures()
		extra = [][2]string{{"currency", s.Currency}, {"facility_model", s.FacilityModel},
			{"energy_included_in_facility", fmt.Sprint(*s.EnergyIncludedInFacility)}, {"capex_method", s.CapexMethod}}
	default:
		return badinput.Errorf("%q is neither a built-in profile nor a profile file (tcobench profiles list)", ref)
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, title)
	for _, e := range extra {
		fmt.Fprintf(tw, "  %s\t%s\n", e[0], e[1])
	}
	fmt.Fprintln(tw, "  FIELD\tVALUE\tPROVENANCE\tDATE\tSOURCE")
	for _, f := range figs {
		fmt.Fprintf(tw, "  %s\t%g\t%s\t%s\t%s\n", f.Field, f.V(), f.Provenance(), f.Date, f.Source)
	}
	return tw.Flush()
}

// ValidateFiles validates each reference as one of kinds and prints one line
// per file (and one per problem); it fails, as bad input, when any is invalid.
func ValidateFiles(out io.Writer, refs []string, kinds ...string) error {
	bad := 0
	for _, ref := range refs {
		kind := KindOf(ref)
		if !contains(kinds, kind) {
			fmt.Fprintf(out, "%s: not a %s file (cannot tell its kind, or it does not exist)\n", ref, joinOr(kinds))
			bad++
			continue
		}
		if err := Validate(kind, ref); err != nil {
			bad++
			printProblems(out, err)
			continue
		}
		fmt.Fprintf(out, "ok  %s (%s)\n", ref, kind)
	}
	if bad > 0 {
		return badinput.Errorf("%d of %d file(s) invalid (listed above)", bad, len(refs))
	}
	return nil
}

func printProblems(out io.Writer, err error) {
	if inv, ok := err.(*InvalidError); ok {
		for _, p := range inv.Problems {
			fmt.Fprintln(out, p.Error())
		}
		return
	}
	fmt.Fprintln(out, err)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func joinOr(kinds []string) string {
	if n := len(kinds); n > 1 {
		return strings.Join(kinds[:n-1], ", ") + " or " + kinds[n-1]
	}
	return kinds[0]
}

// WriteCatalog shows a catalog's prices.
func WriteCatalog(out io.Writer, ref string) error {
	c, err := LoadCatalog(ref)
	if err != nil {
		return badinput.Wrap(err)
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

func tiers(lc []LongContextTier) string {
	if len(lc) == 0 {
		return "-"
	}
	var s []string
	for _, t := range lc {
		s = append(s, fmt.Sprintf(">%dk: %g/%g", *t.AboveInputTokens/1000, *t.InputUSDPerMTok, *t.OutputUSDPerMTok))
	}
	return strings.Join(s, "; ")
}

func sortedTerms(m map[string]RentalTerm) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
