package portfolio

import (
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Option kinds.
const (
	KindLocal      = "local"      // a local model on hardware, priced on a hardware profile
	KindAPI        = "api"        // an API model measured by a run against its API
	KindRecorded   = "recorded"   // an imported trace's own bill and outcomes
	KindConfigured = "configured" // figures stated in an options file
)

// Option is one way to do one workflow.
type Option struct {
	// Workflow is the workload's name; Name identifies the option across
	// workflows ("qwen3:8b on 8xh100-sxm", "api openai/gpt-5").
	Workflow string `json:"workflow"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	// Source is the run directory, trace or options file it came from.
	Source string `json:"source"`
	// USDPerTask is what one task costs, over every task (failed ones too);
	// Throughput says at what load a node's cost was spread.
	USDPerTask runrecord.Figure `json:"usd_per_task"`
	Throughput string           `json:"throughput,omitempty"`
	// PassRate is the share of tasks that succeeded, of Tasks (0 for a
	// configured option); PassBasis how success was judged.
	PassRate  runrecord.Figure `json:"pass_rate"`
	PassBasis string           `json:"pass_basis"`
	Tasks     int              `json:"tasks,omitempty"`
	Passed    int              `json:"passed,omitempty"`
	// USDPerSuccessfulTask is USDPerTask / PassRate (absent when nothing passed).
	USDPerSuccessfulTask *runrecord.Figure `json:"usd_per_successful_task,omitempty"`
	// MeetsSLOs and SLOs say whether and how the option met the SLOs.
	MeetsSLOs bool   `json:"meets_slos"`
	SLOs      string `json:"slos"`
	// Eligible: meets the SLOs and the pass-rate threshold.
	Eligible bool   `json:"eligible"`
	Why      string `json:"why_not,omitempty"`

	// instances holds, per task instance, its trials and passes (the oracle).
	instances map[string][2]int
}

// perSuccessful fills USDPerSuccessfulTask.
func (o *Option) perSuccessful() {
	o.USDPerSuccessfulTask = nil
	if o.PassRate.Value <= 0 {
		return
	}
	f := runrecord.Figure{Value: o.USDPerTask.Value / o.PassRate.Value,
		Provenance: runrecord.Weakest(o.USDPerTask.Provenance, o.PassRate.Provenance), Source: "usd_per_task / pass_rate"}
	o.USDPerSuccessfulTask = &f
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
