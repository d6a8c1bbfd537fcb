package tco

import (
	"fmt"

	"github.com/tcobench/tcobench/runrecord"
)

// Request is what pricing a run needs: one node of a hardware profile at a
// site, an API price catalog and the stated scenario.
type Request struct {
	Hardware *Hardware
	Site     *Site
	Catalog  *Catalog
	Options  Options
}

// Price prices run, whose attempts are in dir/requests.jsonl (read, when
// present, so that long-context tiers apply per request), and stores the
// comparison in run.Cost. It does not write run.json.
func (r *Request) Price(dir string, run *runrecord.Run) (*runrecord.Cost, error) {
	opt := r.Options
	opt.Requests = MeasuredTokens(dir)
	c, err := Compare(run, r.Hardware, r.Site, r.Catalog, opt)
	if err != nil {
		return nil, fmt.Errorf("price run %s: %w", dir, err)
	}
	run.Cost = c
	return c, nil
}

// MeasuredTokens reads the token counts of the measured attempts that
// succeeded (those the summary's token totals add up), or nil when
// requests.jsonl cannot be read: the totals are then priced without
// long-context tiers, and a note says so.
func MeasuredTokens(dir string) []RequestTokens {
	var out []RequestTokens
	err := runrecord.ReadAttempts(dir, func(at *runrecord.Attempt) error {
		if at.Phase == runrecord.PhaseMeasure && at.OK {
			t := at.Tokens
			out = append(out, RequestTokens{Input: int64(t.Input), CachedInput: int64(t.CachedInput), Output: int64(t.Output), Reasoning: int64(t.Reasoning)})
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return out
}
