package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/doctor"
	"github.com/tcobench/tcobench/modelapi"
)

const doctorLong = `Shows what this node offers for a benchmark, in plain lines:
  GPU      the NVIDIA driver and GPUs, through NVML (or why there are none)
  host     OS, kernel, CPU and memory, as the OS reports them
  target   with --target URL: whether a model server answers there, which API
           it speaks (Ollama native, OpenAI-compatible), its version and models,
           and whether six small streamed requests show a TCP stall (Nagle's
           algorithm on the server meeting the client's delayed ACK)

EXIT STATUS
  0  all probes ran and, with --target, the server answers
  1  the target does not answer as a model server (neither Ollama's API nor
     an OpenAI-compatible /v1/models)
  2  bad usage (for example a malformed --target URL)`

// newDoctorCmd reports the node's GPUs, host and, optionally, a model server.
func newDoctorCmd(a *app) *cobra.Command {
	var o doctorOptions
	cmd := &cobra.Command{
		Use:   "doctor [--target URL] [--json]",
		Short: "Show what this node offers: GPUs, driver, host, model servers",
		Long:  doctorLong,
		Example: `  tcobench doctor
  tcobench doctor --target http://127.0.0.1:11434
  tcobench doctor --target http://127.0.0.1:8000/v1 --json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.doctor(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Target, "target", "", "model server base URL to check, e.g. http://127.0.0.1:11434")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the report as JSON")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 0, "how long to wait for each answer from the target (default 5s)")
	return cmd
}

type doctorOptions struct {
	Target  string
	JSON    bool
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
	rep := doctor.Run(ctx, doctor.Options{Target: o.Target, Client: client})
	if o.JSON {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := doctor.WriteText(a.out, rep); err != nil {
		return err
	}
	if rep.Target != nil && !rep.Target.Answers {
		return fmt.Errorf("target %s does not answer as a model server: %s", rep.Target.URL, rep.Target.Error)
	}
	return nil
}
