package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/doctor"
	"github.com/tcobench/tcobench/modelapi"
)

// newDoctorCmd reports the node's GPUs, host and, optionally, a model server.
func newDoctorCmd(a *app) *cobra.Command {
	var o doctorOptions
	cmd := &cobra.Command{
		Use:   "doctor [--target URL] [--format text|json]",
		Short: "Show what this node offers: GPUs, driver, host, model servers",
		Long:  helpText("doctor"),
		Example: `  tcobench doctor
  tcobench doctor --target http://127.0.0.1:11434
  tcobench doctor --target http://127.0.0.1:8000/v1 --format json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.doctor(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Target, "target", "", "model server base URL to check, e.g. http://127.0.0.1:11434")
	o.bind(cmd.Flags(), "text", "text", "json")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "same as --format json")
	_ = cmd.Flags().MarkHidden("json")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 0, "how long to wait for each answer from the target, stall-probe requests included (default 5s for the API probes, 30s for each stall-probe request)")
	return cmd
}

type doctorOptions struct {
	Target string
	JSON   bool
	output
	Timeout time.Duration
}

func (a *app) doctor(ctx context.Context, o doctorOptions) error {
	if o.Target != "" {
		if _, err := modelapi.ParseTarget(o.Target); err != nil {
			return usageErrorf("doctor: --target: %v", err)
		}
	}
	if o.Timeout < 0 {
		return usageErrorf("doctor: --timeout %s: must not be negative", o.Timeout)
	}
	var client *http.Client
	if o.Timeout > 0 {
		client = &http.Client{Timeout: o.Timeout}
	}
	if o.JSON {
		o.Format = "json"
	}
	if err := o.check(); err != nil {
		return err
	}
	rep := doctor.Run(ctx, doctor.Options{Target: o.Target, Client: client, StallTimeout: o.Timeout})
	err := a.write(o.output, "doctor report", func(b *bytes.Buffer, format string) error {
		if format == "json" {
			return writeJSON(b, rep)
		}
		return doctor.WriteText(b, rep)
	})
	if err != nil {
		return err
	}
	if rep.Target != nil && !rep.Target.Answers {
		return fmt.Errorf("target %s does not answer as a model server: %s", rep.Target.URL, rep.Target.Error)
	}
	return nil
}
