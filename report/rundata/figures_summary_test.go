package rundata

import (
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// Tokens per task divide by the completed tasks, as the cost model does:
// a task cut short has no tokens counted.
func TestTokensPerTaskOverCompletedTasks(t *testing.T) {
	d := &Data{Run: &runrecord.Run{Summary: &runrecord.Summary{WindowS: 10,
		Tasks:       runrecord.TaskCounts{Started: 10, Completed: 8, Succeeded: 8, Failed: 2},
		TokenTotals: runrecord.TokenTotals{Input: 700, Output: 100}}}}
	f := FigureMap(d.summaryFigures())[FigTokensPerTask]
	if f.Value != 100 {
		t.Fatalf("tokens per task %g (%s), want 800 / 8 completed = 100", f.Value, f.Source)
	}
}
