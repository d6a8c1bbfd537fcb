// Command gpucheck is the helper of scripts/gpu-check.sh (make gpu-check):
// "gpucheck load" puts a GPU under load through the CUDA driver alone
// (libcuda.so.1, which every NVIDIA driver installs; no CUDA toolkit, no
// download), and "gpucheck compare" sets tcobench's energy figures of a run
// beside nvidia-smi's power samples of the same window.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gpucheck:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: gpucheck load|compare [flags]")
	}
	switch args[0] {
	case "load":
		fs := flag.NewFlagSet("load", flag.ContinueOnError)
		delay := fs.Duration("delay", 15*time.Second, "idle time before the load")
		steady := fs.Duration("steady", 25*time.Second, "steady full load")
		bursty := fs.Duration("bursty", 25*time.Second, "then bursts: 50 ms of load every 200 ms")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return load(out, *delay, *steady, *bursty)
	case "compare":
		fs := flag.NewFlagSet("compare", flag.ContinueOnError)
		runDir := fs.String("run", "", "tcobench run directory")
		smi := fs.String("smi", "", "nvidia-smi CSV: timestamp, power.draw[, power.draw.instant] (noheader, nounits)")
		gpu := fs.Int("gpu", 0, "NVML index of the GPU checked")
		loadStart := fs.String("load-start", "", "file holding the load's start time (RFC 3339), to check the idle span was idle")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return compare(out, *runDir, *smi, *gpu, *loadStart)
	}
	return fmt.Errorf("unknown command %q: want load or compare", args[0])
}
