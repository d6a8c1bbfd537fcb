package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/tcobench/tcobench/runrecord"
)

// CSV writes the report's figures for spreadsheets: one row per run and
// figure, with its unit, provenance and source.
func (r *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"run_id", "workload", "target", "model", "load", "figure", "label", "value", "unit", "provenance", "source"})
	for _, rr := range r.Runs {
		for _, f := range append(append([]runrecord.Figure(nil), rr.Figures...), rr.Config...) {
			_ = cw.Write([]string{rr.ID, rr.Workload, rr.Target, rr.Model, rr.Load, f.Name, f.Label,
				strconv.FormatFloat(f.Value, 'g', -1, 64), f.Unit, string(f.Provenance), f.Source})
		}
	}
	cw.Flush()
	return cw.Error()
}

// RequestsCSV writes every attempt of the report's runs, one row each
// (times in milliseconds on each run's clock), for spreadsheets.
func (r *Report) RequestsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"run_id", "seq", "task_id", "task_name", "step_id", "phase", "ok", "error_class", "http_status",
		"scheduled_ms", "sent_ms", "first_token_ms", "end_ms", "ttft_ms", "e2e_ms", "input_tokens", "output_tokens", "token_source"})
	ms := func(ns int64) string { return strconv.FormatFloat(float64(ns)/1e6, 'f', 3, 64) }
	rel := func(a, b int64) string {
		if a == 0 {
			return ""
		}
		return ms(a - b)
	}
	for _, d := range r.data {
		for i := range d.Attempts {
			a := &d.Attempts[i]
			_ = cw.Write([]string{d.Run.ID, strconv.FormatInt(a.Seq, 10), a.TaskID, a.TaskName, a.StepID, a.Phase,
				strconv.FormatBool(a.OK), a.ErrorClass, strconv.Itoa(a.HTTPStatus), ms(a.ScheduledNS), ms(a.SentNS),
				rel(a.FirstTokenNS, 0), ms(a.EndNS), rel(a.FirstTokenNS, a.SentNS), ms(a.EndNS - a.SentNS),
				strconv.Itoa(a.Tokens.Input), strconv.Itoa(a.Tokens.Output), a.Tokens.Source})
		}
	}
	cw.Flush()
	return cw.Error()
}
