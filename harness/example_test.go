//go:build cgo

package harness_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/collectors/nvml/nvmlfake"
	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/tco"
)

// A priced, energy-measured benchmark from Go: four users for six seconds
// against the zero-work fake server, GPU energy from go-nvml's DGX H100
// mock (eight GPUs drawing 700 W each), priced on the 8×H100 profile.
func Example() {
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 16, TokenDelay: time.Millisecond}))
	defer srv.Close()
	mock, gpus := nvmlfake.NewDGXH100(700, 700, 700, 700, 700, 700, 700, 700)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go nvmlfake.RunClock(ctx, gpus, 10*time.Millisecond)
	dir, _ := os.MkdirTemp("", "tcobench-example-")
	defer os.RemoveAll(dir)
	hw, _ := tco.LoadHardware("8xh100-sxm")
	site, _ := tco.LoadSite("us-colo")
	prices, _ := tco.LoadCatalog("api-2026")

	res, err := harness.Run(ctx, harness.Spec{
		Load: load.Config{OutDir: filepath.Join(dir, "run"), Plan: load.SimplePlan(64, 16),
			Target:   modelapi.Target{URL: srv.URL, API: modelapi.KindOpenAIChat, Model: "fake"},
			Schedule: load.Closed{Users: 4}, Limits: load.Limits{Duration: 6 * time.Second}},
		Telemetry: harness.Telemetry{Collectors: []string{nvml.Name},
			Factories: collectors.Factories{nvml.Name: nvml.Factory(nvml.Options{Lib: mock})}},
		Pricing: &tco.Request{Hardware: hw, Site: site, Catalog: prices, Options: tco.DefaultOptions()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, c := res.Energy(), res.Cost()
	fmt.Printf("GPU energy measured: %v, %.0f W on average\n", e.Measured, math.Round(e.AvgGPUPowerW/100)*100)
	fmt.Printf("priced: %v on-prem per task, %d API models beside it\n", c.OnPrem.Fleet.USDPerTask.Value > 0, len(c.API))
	// Output:
	// GPU energy measured: true, 5600 W on average
	// priced: true on-prem per task, 28 API models beside it
}
