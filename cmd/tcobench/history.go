package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newHistoryCmd is a placeholder until its issue lands.
func newHistoryCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "history",
		Short:  "Show trends of stored runs",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("history: not implemented yet")
		},
	}
}
