package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newRunCmd is a placeholder until its issue lands.
func newRunCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "run",
		Short:  "Run a workload against a model server and write a run record",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("run: not implemented yet")
		},
	}
}
