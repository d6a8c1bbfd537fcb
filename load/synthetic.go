package load

import (
	"github.com/tcobench/tcobench/runrecord"

	"github.com/tcobench/tcobench/modelapi"

	"fmt"
	"strings"

	"github.com/tcobench/tcobench/workloads"
)

// SimplePlan is a built-in single-step workload: every task is one chat
// request whose prompt is about promptTokens tokens of filler text
// (estimated at four characters per token) asking for maxTokens tokens.
// It has no end (Len -1); the run's duration or count bounds it.
func SimplePlan(promptTokens, maxTokens int) workloads.Plan {
	words := []string{"alpha", "ledger", "invoice", "route", "signal", "harbor", "quota", "vector"}
	var b strings.Builder
	for i := 0; b.Len() < promptTokens*4; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
	}
	prompt := b.String()
	return workloads.Plan{
		Name: "synthetic", Source: fmt.Sprintf("built-in: %d prompt tokens (estimated), %d max tokens", promptTokens, maxTokens),
		Arrival: workloads.Arrival{Process: runrecord.ArrivalClosed, Users: 1}, ReplayMode: workloads.ReplayRecorded,
		PromptLengths: "estimated", Len: -1,
		Instance: func(i int) (workloads.Instance, bool) {
			return workloads.Instance{
				ID: fmt.Sprintf("t%d", i), Name: "synthetic", AtNS: -1,
				Steps: []workloads.Step{{ID: "s0", MaxTokens: maxTokens, PromptTokens: promptTokens,
					Messages: []modelapi.Message{{Role: "user", Content: prompt}}}},
			}, true
		},
	}
}
