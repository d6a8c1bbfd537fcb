package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDoctorCmd is a placeholder until its issue lands.
func newDoctorCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "doctor",
		Short:  "Show what this node offers: GPUs, driver, host, model servers",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("doctor: not implemented yet")
		},
	}
}
