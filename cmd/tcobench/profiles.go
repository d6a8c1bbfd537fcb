package main

import (
	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/tco"
)

func newProfilesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List, show and validate hardware and site profiles",
		Long:  helpText("profiles"),
		Example: `  tcobench profiles list
  tcobench profiles show 8xh100-sxm
  tcobench profiles show us-colo
  tcobench profiles validate my-server.yaml my-site.yaml`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "list",
			Short: "List the built-in hardware and site profiles",
			RunE:  func(*cobra.Command, []string) error { return tco.WriteProfiles(a.out) },
		},
		&cobra.Command{
			Use:   "show NAME|FILE",
			Short: "Show a profile's figures with their provenance and sources",
			Args:  wantArgs(1, 1, "one profile NAME or FILE (tcobench profiles list)"),
			RunE:  func(_ *cobra.Command, args []string) error { return tco.WriteProfile(a.out, args[0]) },
		},
		&cobra.Command{
			Use:   "validate [NAME|FILE...]",
			Short: "Validate profiles (all built-in ones when none is given); exit 2 if any is invalid",
			Long:  helpText("profiles-validate"),
			Args:  wantArgs(0, -1, "profile or catalog NAMEs or FILEs"),
			Example: `  tcobench profiles validate
  tcobench profiles validate my-server.yaml my-site.yaml`,
			RunE: func(_ *cobra.Command, args []string) error {
				if len(args) == 0 {
					args = append(append(tco.Names(tco.KindHardware), tco.Names(tco.KindSite)...), tco.Names(tco.KindRental)...)
				}
				return tco.ValidateFiles(a.out, args, tco.KindHardware, tco.KindSite, tco.KindRental)
			},
		},
	)
	return cmd
}
