package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/report/rundata/rundatatest"
	"github.com/tcobench/tcobench/runrecord"
)

// TestKilledRunReportsPartial: a run killed before it wrote run.json
// (requests.jsonl only, its last line torn by the kill) still gives a
// report, marked partial with the reason, with figures from the attempts on
// disk; alone or as a run of a suite directory.
func TestKilledRunReportsPartial(t *testing.T) {
	suite := t.TempDir()
	dir := filepath.Join(suite, "killed")
	rundatatest.Write(t, dir, rundatatest.Options{ID: "k", Requests: 223, Failures: 2})
	if err := os.Remove(filepath.Join(dir, runrecord.RunFile)); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, runrecord.RequestsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"seq":9999,"task_id":"torn`)
	f.Close()
	for _, where := range []string{dir, suite} {
		r, err := Load(where)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		run := r.Runs[0]
		if !run.Partial || run.PartialReason != metrics.RecoveredReason {
			t.Fatalf("%s: partial %v, reason %q", where, run.Partial, run.PartialReason)
		}
		md := render(t, where, "md")
		if !strings.Contains(md, "Partial run") || !strings.Contains(md, "recovered from requests.jsonl") {
			t.Fatalf("%s: the report does not say it is partial:\n%s", where, md)
		}
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := d.data[0].Run.Summary; s.Requests.Scheduled != 225 || s.Requests.Failed != 2 {
		t.Errorf("recovered summary: %+v, want 225 scheduled (223 + 2 failed), the torn line skipped", s.Requests)
	}
}
