package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCompareCmd is a placeholder until its issue lands.
func newCompareCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "compare",
		Short:  "Compare two runs and fail on regression",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("compare: not implemented yet")
		},
	}
}
