package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newWorkloadsCmd is a placeholder until its issue lands.
func newWorkloadsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "workloads",
		Short:  "List, show, validate and import workloads",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("workloads: not implemented yet")
		},
	}
}
