package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newRecordCmd is a placeholder until its issue lands.
func newRecordCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "record",
		Short:  "Capture real traffic through an OpenAI-compatible proxy as a workload",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("record: not implemented yet")
		},
	}
}
