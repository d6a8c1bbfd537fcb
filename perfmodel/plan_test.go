package perfmodel

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

func smallPlan(t *testing.T, hw ...string) *PlanResult {
	t.Helper()
	res, err := PlanFrom(context.Background(), PlanOptions{PromptTokens: 1000, MaxTokens: 200, Model: "llama-3.1-8b", Volume: "200000/day",
		SLOs: []runrecord.SLO{{Metric: runrecord.MetricTTFT, Max: runrecord.Duration(time.Second)}}, Hardware: hw, Site: "us-colo", Prices: "api-2026", PassRate: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPlanFigures: nodes follow from volume and capacity, cost per
// successful task from the pass rate, and every band brackets its value.
func TestPlanFigures(t *testing.T) {
	res := smallPlan(t, "8xh100-sxm", "8xl40s")
	if len(res.Hardware) != 2 || res.Cheapest == "" {
		t.Fatalf("%+v", res)
	}
	for _, h := range res.Hardware {
		if h.Skipped != "" {
			t.Fatalf("%s skipped: %s", h.Hardware, h.Skipped)
		}
		perDay := h.CapacityTasksPerS.Value * 86400
		if want := float64(int(200000/perDay) + 1); h.Nodes.Value != want {
			t.Errorf("%s: %v nodes for %.0f tasks/day per node, want %v", h.Hardware, h.Nodes.Value, perDay, want)
		}
		if s := h.USDPerSuccessfulTask; s == nil || s.Value != h.USDPerTask.Value/0.8 {
			t.Errorf("%s: cost per successful task %+v", h.Hardware, s)
		}
		for _, b := range []Banded{h.CapacityTasksPerS, h.USDPerTask, h.EnergyPerTaskJ, h.TTFTP99MS} {
			if !(b.Low < b.Value && b.Value < b.High) || b.Provenance == "" {
				t.Errorf("%s: band %+v", h.Hardware, b)
			}
		}
		if h.CapacityTasksPerS.Provenance != runrecord.Projected || h.Cost.OnPrem.CapacityTasksPerDay.Provenance != runrecord.Projected {
			t.Errorf("%s: capacity provenance %s / %s", h.Hardware, h.CapacityTasksPerS.Provenance, h.Cost.OnPrem.CapacityTasksPerDay.Provenance)
		}
	}
}

// TestPlanFormats: text and Markdown lead with the answer, JSON carries the
// same figures, HTML draws both charts.
func TestPlanFormats(t *testing.T) {
	res := smallPlan(t, "8xh200")
	var txt, md, js, html bytes.Buffer
	for f, b := range map[string]*bytes.Buffer{FormatText: &txt, FormatMarkdown: &md, FormatJSON: &js, FormatHTML: &html} {
		if err := res.Write(b, f); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(txt.String(), "Serving synthetic with llama-3.1-8b") || !strings.Contains(txt.String(), "projected ±") {
		t.Errorf("text:\n%s", txt.String())
	}
	if !strings.Contains(md.String(), "| 8xh200 |") {
		t.Errorf("markdown:\n%s", md.String())
	}
	var back PlanResult
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Hardware[0].USDPerTask != res.Hardware[0].USDPerTask {
		t.Errorf("json round trip: %v", err)
	}
	if h := html.String(); strings.Count(h, "<svg") != 2 || !strings.Contains(h, "Latency–throughput") || !strings.Contains(h, "<b>projected</b>") {
		t.Errorf("html: %d charts", strings.Count(h, "<svg"))
	}
	if err := res.Write(&txt, "pdf"); err == nil {
		t.Error("format pdf accepted")
	}
}
