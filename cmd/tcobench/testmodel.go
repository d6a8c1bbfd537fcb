package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newTestModelCmd is a placeholder until its issue lands.
func newTestModelCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "testmodel",
		Short:  "Write a deterministic GGUF test model (no download)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("testmodel: not implemented yet")
		},
	}
}
