package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tcobench/tcobench/internal/demo"
)

// newDemoCmd is what `make demo` runs (package demo).
func newDemoCmd(a *app) *cobra.Command {
	o := demo.Options{Size: "small", Out: "demo-out"}
	cmd := &cobra.Command{
		Use:    "demo",
		Short:  "Start a local Ollama with a generated model, benchmark it, price it, write the report (used by make demo)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.LogPath == "" {
				o.LogPath = filepath.Join(o.Out, "demo.log")
			}
			if err := os.MkdirAll(filepath.Dir(o.LogPath), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(o.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			o.Stdout, o.Log = a.out, f
			o.Version, o.Commit = buildInfo()
			if f, ok := a.errOut.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				o.Progress = a.errOut
			}
			return demo.Run(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Size, "size", o.Size, "generated model size: tiny or small")
	cmd.Flags().StringVar(&o.Out, "out", o.Out, "directory for the demo's run record and report")
	cmd.Flags().StringVar(&o.LogPath, "log", "", "file the details are appended to (default OUT/demo.log)")
	return cmd
}
