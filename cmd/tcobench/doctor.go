package main

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/doctor"
)

const doctorLong = `Shows what this node offers for a benchmark, in plain lines:
  GPU      the NVIDIA driver and GPUs, through NVML (or why there are none)
  host     OS, kernel, CPU and memory, as the OS reports them
  target   with --target URL: whether a model server answers there, which API
           it speaks (Ollama native, OpenAI-compatible), its version and models

EXIT STATUS
  0  all probes ran and, with --target, the server answers
  1  the target does not answer as a model server (neither Ollama's API nor
     an OpenAI-compatible /v1/models)
  2  bad usage (for example a malformed --target URL)`

// newDoctorCmd reports the node's GPUs, host and, optionally, a model server.
func newDoctorCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "doctor [--target URL] [--json]",
		Short: "Show what this node offers: GPUs, driver, host, model servers",
		Long:  doctorLong,
		Example: `  tcobench doctor
  tcobench doctor --target http://127.0.0.1:11434
  tcobench doctor --target http://127.0.0.1:8000/v1 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd, a)
		},
	}
	cmd.Flags().String("target", "", "model server base URL to check, e.g. http://127.0.0.1:11434")
	cmd.Flags().Bool("json", false, "print the report as JSON")
	cmd.Flags().Duration("timeout", 0, "how long to wait for each answer from the target (default 5s)")
	return cmd
}

func runDoctor(cmd *cobra.Command, a *app) error {
	target := a.v.GetString("target")
	if target != "" {
		if _, err := doctor.ParseTarget(target); err != nil {
			return usageErrorf("doctor: --target: %v", err)
		}
	}
	timeout := a.v.GetDuration("timeout")
	if timeout < 0 {
		return usageErrorf("doctor: --timeout %s: must not be negative", timeout)
	}
	var client *http.Client
	if timeout > 0 {
		client = &http.Client{Timeout: timeout}
	}
	rep := doctor.Run(cmd.Context(), doctor.Options{Target: target, Client: client})
	if a.v.GetBool("json") {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := doctor.WriteText(a.out, rep); err != nil {
		return err
	}
	if rep.Target != nil && !rep.Target.Answers {
		return withExit(1, fmt.Errorf("target %s does not answer as a model server: %s", rep.Target.URL, rep.Target.Error))
	}
	return nil
}
