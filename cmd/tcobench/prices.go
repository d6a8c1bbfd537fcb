package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newPricesCmd is a placeholder until its issue lands.
func newPricesCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "prices",
		Short:  "List, show and validate API price catalogs",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("prices: not implemented yet")
		},
	}
}
