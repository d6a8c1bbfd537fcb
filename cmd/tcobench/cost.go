package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCostCmd is a placeholder until its issue lands.
func newCostCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "cost",
		Short:  "Price a run: on-prem cost per task against API models, break-even",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("cost: not implemented yet")
		},
	}
}
