package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newReportCmd is a placeholder until its issue lands.
func newReportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "report",
		Short:  "Write a report of a run or suite (md, html, json)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("report: not implemented yet")
		},
	}
}
