package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newProfilesCmd is a placeholder until its issue lands.
func newProfilesCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "profiles",
		Short:  "List, show and validate hardware and site profiles",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("profiles: not implemented yet")
		},
	}
}
