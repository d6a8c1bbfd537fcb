package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSweepCmd is a placeholder until its issue lands.
func newSweepCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "sweep",
		Short:  "Run a workload at several load points and find the highest meeting the SLOs",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("sweep: not implemented yet")
		},
	}
}
