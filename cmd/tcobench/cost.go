package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

const costLong = `Price a run: the on-prem cost of one node of a hardware profile at a site
(capex, maintenance, staff, facility, energy), per task, request and million
tokens, in a fleet view (at a stated average utilization, idle time and capex
included) and a marginal view (energy above idle only); beside it the API cost
of the run's measured tokens on every model of a price catalog, break-even
volume, payback, a utilization curve, a ±20 % sensitivity and a projection.

Profiles and catalogs are built-in names (tcobench profiles list, tcobench
prices list) or YAML file paths. Every figure says whether it was measured (by
the run), configured (a sourced figure, a flag) or assumed (an estimate, a
default). The comparison is written into run.json ("cost"), so an old run can
be re-priced when prices change. See docs/cost-model.md.

EXIT STATUS
  0  priced
  1  the run cannot be priced (no task completed, no throughput)
  2  bad usage or unusable input: no such run directory, unknown or invalid
     profile or catalog, flag values out of range`

// addCostFlags adds the pricing flags, shared by tcobench cost and tcobench run.
func addCostFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("hardware", "", "hardware profile: built-in name (tcobench profiles list) or YAML file")
	f.String("site", "", "site profile: built-in name or YAML file")
	f.String("prices", "api-2026", "API price catalog: built-in name (tcobench prices list) or YAML file")
	f.Float64("utilization", 0.5, "average utilization of the node, 0-1 (unset: 0.5, labelled assumed)")
	f.String("volume", "", "tasks per day for payback and projection, e.g. 20000 or 20000/day (unset: one node's capacity × utilization)")
	f.String("reference-model", "", "API model (provider/model) of the sensitivity and projection (unset: the catalog's reference)")
	f.Float64("api-price-decline", 0.30, "yearly API price decline for the projection, fraction (unset: 0.30, labelled assumed)")
	f.Float64("token-growth", 0.25, "yearly growth of tokens per task for the projection, fraction (unset: 0.25, labelled assumed)")
}

// costRequest is what the cost flags asked for.
type costRequest struct {
	hardware *tco.Hardware
	site     *tco.Site
	catalog  *tco.Catalog
	opt      tco.Options
}

// costRequest reads the cost flags (flag > TCOBENCH_* > config file) and
// loads the profiles; ok is false when no pricing was asked for (no --hardware).
func (a *app) costRequest() (req costRequest, ok bool, err error) {
	hwRef, siteRef := a.v.GetString("hardware"), a.v.GetString("site")
	if hwRef == "" && siteRef == "" {
		return req, false, nil
	}
	if hwRef == "" || siteRef == "" {
		return req, false, usageErrorf("pricing needs both --hardware and --site (tcobench profiles list)")
	}
	if req.hardware, err = tco.LoadHardware(hwRef); err != nil {
		return req, false, withExit(2, err)
	}
	if req.site, err = tco.LoadSite(siteRef); err != nil {
		return req, false, withExit(2, err)
	}
	if req.catalog, err = tco.LoadCatalog(a.v.GetString("prices")); err != nil {
		return req, false, withExit(2, err)
	}
	if req.opt, err = a.costOptions(); err != nil {
		return req, false, err
	}
	if m := req.opt.ReferenceModel; m != "" {
		if _, found := req.catalog.Find(m); !found {
			return req, false, usageErrorf("--reference-model %q is not in price catalog %s (tcobench prices show %s lists its models)", m, req.catalog.Name, a.v.GetString("prices"))
		}
	}
	return req, true, nil
}

// costOptions turns the scenario flags into options, labelling each value
// configured when the user stated it and assumed when it is the default.
func (a *app) costOptions() (tco.Options, error) {
	opt := tco.DefaultOptions()
	stated := func(key, unit string, dst *runrecord.Figure) {
		if a.v.IsSet(key) {
			*dst = runrecord.Figure{Value: a.v.GetFloat64(key), Provenance: runrecord.Configured, Source: "--" + key + " (" + unit + ")"}
		}
	}
	stated("utilization", "fraction", &opt.Utilization)
	stated("api-price-decline", "fraction per year", &opt.APIPriceDeclinePerYear)
	stated("token-growth", "fraction per year", &opt.TokensPerTaskGrowthPerYear)
	if s := strings.TrimSpace(a.v.GetString("volume")); s != "" {
		n, err := strconv.ParseFloat(strings.TrimSuffix(s, "/day"), 64)
		if err != nil || n <= 0 {
			return opt, usageErrorf("--volume %q: want tasks per day, e.g. 20000 or 20000/day", s)
		}
		opt.VolumeTasksPerDay = runrecord.Figure{Value: n, Provenance: runrecord.Configured, Source: "--volume (tasks per day)"}
	}
	opt.ReferenceModel = a.v.GetString("reference-model")
	return opt, checkCostOptions(opt)
}

// checkCostOptions rejects scenario flags out of range before anything runs,
// so that tcobench run does not fail at its end, after the load.
func checkCostOptions(opt tco.Options) error {
	if u := opt.Utilization.Value; !(u > 0 && u <= 1) {
		return usageErrorf("--utilization %g: want a fraction above 0 and at most 1 (0.5 is 50 %%)", u)
	}
	if d := opt.APIPriceDeclinePerYear.Value; !(d >= 0 && d < 1) {
		return usageErrorf("--api-price-decline %g: want a fraction per year from 0 up to (not including) 1", d)
	}
	if g := opt.TokensPerTaskGrowthPerYear.Value; !(g >= 0 && g <= 10) {
		return usageErrorf("--token-growth %g: want a fraction per year from 0 to 10", g)
	}
	return nil
}

// priceDir prices the run in dir and writes the comparison into its run.json.
func priceDir(dir string, req costRequest) (*runrecord.Cost, error) {
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	c, err := priceRecord(dir, run, req)
	if err != nil {
		return nil, err
	}
	return c, runrecord.WriteRun(dir, run)
}

// priceRecord prices run (whose attempts are in dir/requests.jsonl, when
// present) and stores the comparison in run.Cost; it does not write run.json.
func priceRecord(dir string, run *runrecord.Run, req costRequest) (*runrecord.Cost, error) {
	opt := req.opt
	opt.Requests = measuredTokens(dir)
	c, err := tco.Compare(run, req.hardware, req.site, req.catalog, opt)
	if err != nil {
		return nil, fmt.Errorf("price run %s: %w", dir, err)
	}
	run.Cost = c
	return c, nil
}

// measuredTokens reads the token counts of the measured OK attempts (those
// the summary's token totals add up), or nil when requests.jsonl cannot be
// read: the totals are then priced without long-context tiers (and a note says so).
func measuredTokens(dir string) []tco.RequestTokens {
	var out []tco.RequestTokens
	err := runrecord.ReadAttempts(dir, func(at *runrecord.Attempt) error {
		if at.Phase == runrecord.PhaseMeasure && at.OK {
			t := at.Tokens
			out = append(out, tco.RequestTokens{Input: int64(t.Input), CachedInput: int64(t.CachedInput), Output: int64(t.Output), Reasoning: int64(t.Reasoning)})
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return out
}

// costHook returns the bench hook that prices a run at its end when the
// cost flags ask for it (--hardware and --site), and ok false otherwise.
// Profiles are loaded now, so a bad one stops tcobench run before it starts.
func (a *app) costHook() (h load.Hooks, ok bool, err error) {
	req, ok, err := a.costRequest()
	if err != nil || !ok {
		return h, false, err
	}
	h.Finish = func(_ context.Context, dir string, run *runrecord.Run) error {
		_, err := priceRecord(dir, run, req)
		return err
	}
	return h, true, nil
}

func newCostCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cost RUN_DIR --hardware P --site S [--prices F] [--utilization U] [--volume N/day] [--json]",
		Short: "Price a run: on-prem cost per task against API models, break-even",
		Long:  costLong,
		Example: `  tcobench cost runs/ticket-c8 --hardware 8xh100-sxm --site us-colo
  tcobench cost runs/demo --hardware cpu-server --site office --utilization 0.3 --json
  tcobench cost runs/demo --hardware my-server.yaml --site my-site.yaml --prices my-prices.yaml`,
		Args: wantArgs(1, 1, "one RUN_DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, ok, err := a.costRequest()
			if err != nil {
				return err
			}
			if !ok {
				return usageErrorf("cost needs --hardware and --site (tcobench profiles list)")
			}
			if _, err := os.Stat(filepath.Join(args[0], "run.json")); err != nil {
				return usageErrorf("%s: not a run directory (no run.json; tcobench run writes one)", args[0])
			}
			c, err := priceDir(args[0], req)
			if err != nil {
				return err
			}
			if a.v.GetBool("json") {
				enc := json.NewEncoder(a.out)
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			}
			return tco.WriteTable(a.out, c)
		},
	}
	addCostFlags(cmd)
	cmd.Flags().Bool("json", false, "print the comparison as JSON instead of a table")
	return cmd
}
