package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newFakeServerCmd is a placeholder until its issue lands.
func newFakeServerCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "fakeserver",
		Short:  "Serve a zero-work streaming model server for self-benchmarks",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("fakeserver: not implemented yet")
		},
	}
}
