package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/tco"
)

func newProfilesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List, show and validate hardware and site profiles",
		Long: `Hardware profiles describe one node (accelerators, power, capex, amortisation,
maintenance); site profiles describe where it runs (electricity, PUE, colocation
or owned facility, staff, cost of capital). Each figure carries its unit in its
field name, a source, a date and whether it is an estimate. Built-in profiles
are listed here; any command that takes a profile also takes a YAML file path
(start from a copy of a built-in one). See docs/cost-model.md.`,
		Example: `  tcobench profiles list
  tcobench profiles show 8xh100-sxm
  tcobench profiles show us-colo
  tcobench profiles validate my-server.yaml my-site.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "list",
			Short: "List the built-in hardware and site profiles",
			Args:  cobra.NoArgs,
			RunE:  func(*cobra.Command, []string) error { return listProfiles(a.out) },
		},
		&cobra.Command{
			Use:   "show NAME|FILE",
			Short: "Show a profile's figures with their provenance and sources",
			Args:  wantArgs(1, 1, "one profile NAME or FILE (tcobench profiles list)"),
			RunE:  func(_ *cobra.Command, args []string) error { return showProfile(a.out, args[0]) },
		},
		&cobra.Command{
			Use:   "validate [NAME|FILE...]",
			Short: "Validate profiles (all built-in ones when none is given); exit 2 if any is invalid",
			Long: `Validate hardware and site profiles (all built-in ones when none is given):
every required figure present with its value, source, date and estimate
flag, none negative, each within a plausible range. Prints "ok FILE (kind)" or one line per
problem, "file:line: field: what is wrong".

EXIT STATUS
  0  every profile is valid
  2  at least one is invalid`,
			Example: `  tcobench profiles validate
  tcobench profiles validate my-server.yaml my-site.yaml`,
			RunE: func(_ *cobra.Command, args []string) error {
				if len(args) == 0 {
					args = append(tco.Names(tco.KindHardware), tco.Names(tco.KindSite)...)
				}
				return validateFiles(a.out, args, tco.KindHardware, tco.KindSite)
			},
		},
	)
	return cmd
}

func listProfiles(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HARDWARE\tACCELERATORS\tCAPEX USD/NODE\tPOWER IDLE/BUSY/MAX W\tDESCRIPTION")
	for _, n := range tco.Names(tco.KindHardware) {
		h, err := tco.LoadHardware(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%.0f × %s\t%.0f\t%.0f / %.0f / %.0f\t%s\n", h.Name, h.AcceleratorsPerNode.V(), h.AcceleratorModel,
			h.ServerCapexUSDPerNode.V(), h.NodePowerIdleW.V(), h.NodePowerBusyW.V(), h.NodePowerMaxW.V(), h.Description)
	}
	fmt.Fprintln(tw, "\nSITE\tUSD/KWH\tPUE\tFACILITY\tDESCRIPTION")
	for _, n := range tco.Names(tco.KindSite) {
		s, err := tco.LoadSite(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%.4g\t%.2f\t%s\t%s\n", s.Name, s.ElectricityUSDPerKWh.V(), s.PUE.V(), s.FacilityModel, s.Description)
	}
	return tw.Flush()
}

func showProfile(out io.Writer, ref string) error {
	var (
		title string
		figs  []tco.NamedFigure
		extra [][2]string
	)
	switch tco.KindOf(ref) {
	case tco.KindHardware:
		h, err := tco.LoadHardware(ref)
		if err != nil {
			return withExit(2, err)
		}
		title, figs = fmt.Sprintf("hardware %s (%s): %s", h.Name, h.Path, h.Description), h.Figures()
		extra = [][2]string{{"accelerator_model", h.AcceleratorModel}}
	case tco.KindSite:
		s, err := tco.LoadSite(ref)
		if err != nil {
			return withExit(2, err)
		}
		title, figs = fmt.Sprintf("site %s (%s): %s", s.Name, s.Path, s.Description), s.Figures()
		extra = [][2]string{{"currency", s.Currency}, {"facility_model", s.FacilityModel},
			{"energy_included_in_facility", fmt.Sprint(*s.EnergyIncludedInFacility)}, {"capex_method", s.CapexMethod}}
	default:
		return usageErrorf("%q is neither a built-in profile nor a profile file (tcobench profiles list)", ref)
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

// validateFiles validates each reference as one of kinds and prints one line
// per file (and one per problem); it fails when any is invalid.
func validateFiles(out io.Writer, refs []string, kinds ...string) error {
	bad := 0
	for _, ref := range refs {
		kind := tco.KindOf(ref)
		if !contains(kinds, kind) {
			fmt.Fprintf(out, "%s: not a %s file (cannot tell its kind, or it does not exist)\n", ref, joinOr(kinds))
			bad++
			continue
		}
		if err := tco.Validate(kind, ref); err != nil {
			bad++
			printProblems(out, err)
			continue
		}
		fmt.Fprintf(out, "ok  %s (%s)\n", ref, kind)
	}
	if bad > 0 {
		return usageErrorf("%d of %d file(s) invalid (listed above)", bad, len(refs))
	}
	return nil
}

func printProblems(out io.Writer, err error) {
	if inv, ok := err.(*tco.InvalidError); ok {
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
	if len(kinds) == 2 {
		return kinds[0] + " or " + kinds[1]
	}
	return kinds[0]
}
