package tco

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// headlineAPIs are the API models set beside owned and rented hardware: the
// cheapest compared model and the reference model (once when they are one).
func headlineAPIs(c *runrecord.Cost) []int {
	cheapest, ref := -1, -1
	for i, a := range c.API {
		if cheapest < 0 || a.USDPerTask.Value < c.API[cheapest].USDPerTask.Value {
			cheapest = i
		}
		if a.Key == c.Scenario.ReferenceModel {
			ref = i
		}
	}
	out := []int{}
	if cheapest >= 0 {
		out = append(out, cheapest)
	}
	if ref >= 0 && ref != cheapest {
		out = append(out, ref)
	}
	return out
}

// sideBySide sets owned, each rented term and the headline API models side
// by side per task, with the break-even between each pair.
func sideBySide(p params, c *runrecord.Cost, gpus float64) ([]runrecord.OptionCost, []runrecord.PairBreakEven) {
	f := c.OnPrem.Fleet
	opts := []runrecord.OptionCost{{Kind: "owned", Key: c.Hardware.Name, USDPerTask: f.USDPerTask, USDPerMillionTokens: f.USDPerMillionTokens}}
	for _, r := range c.Rented {
		opts = append(opts, runrecord.OptionCost{Kind: "rented", Key: r.Name + "/" + r.Term, USDPerTask: r.Fleet.USDPerTask,
			USDPerMillionTokens: r.Fleet.USDPerMillionTokens, PriceDate: r.PriceDate, PriceAgeDays: r.PriceAgeDays, Stale: r.Stale})
	}
	apis := headlineAPIs(c)
	for _, i := range apis {
		a := c.API[i]
		opts = append(opts, runrecord.OptionCost{Kind: "api", Key: a.Key, USDPerTask: a.USDPerTask, USDPerMillionTokens: a.USDPerMillionTokens,
			PriceDate: a.Checked, PriceAgeDays: a.PriceAgeDays, Stale: a.Stale})
	}
	var pairs []runrecord.PairBreakEven
	for _, r := range c.Rented {
		pairs = append(pairs, ownedVsRented(p, c, r, gpus))
	}
	for _, i := range apis {
		pairs = append(pairs, ownedVsAPI(c, c.BreakEven[i]))
	}
	for _, r := range c.Rented {
		for _, i := range apis {
			pairs = append(pairs, rentedVsAPI(p, c, r, c.API[i]))
		}
	}
	for i := range pairs {
		pairs[i].Text = pairText(pairs[i])
	}
	return opts, pairs
}

// priceAge dates the comparison's prices: the oldest, how many are stale,
// and the cheapest API model's.
func priceAge(c *runrecord.Cost, staleAfter time.Duration) *runrecord.PriceAge {
	pa := &runrecord.PriceAge{StaleAfterDays: int(staleAfter.Hours() / 24)}
	consider := func(key, date string, stale bool) {
		if stale {
			pa.Stale++
		}
		if pa.OldestDate == "" || dateBefore(date, pa.OldestDate) {
			pa.OldestDate, pa.OldestKey = date, key
		}
	}
	for _, a := range c.API {
		consider(a.Key, a.Checked, a.Stale)
	}
	for _, r := range c.Rented {
		consider("rented "+r.Name+"/"+r.Term, r.PriceDate, r.Stale)
	}
	if apis := headlineAPIs(c); len(apis) > 0 {
		a := c.API[apis[0]]
		pa.CheapestAPI, pa.CheapestAPIDate, pa.CheapestAPIAgeDays, pa.CheapestAPIStale = a.Key, a.Checked, a.PriceAgeDays, a.Stale
	}
	return pa
}

// priceAgeNotes say which prices are past the threshold.
func priceAgeNotes(c *runrecord.Cost) []string {
	pa := c.PriceAge
	if pa == nil || pa.Stale == 0 {
		return nil
	}
	var keys []string
	for _, a := range c.API {
		if a.Stale {
			keys = append(keys, a.Key+" ("+a.Checked+")")
		}
	}
	for _, r := range c.Rented {
		if r.Stale {
			keys = append(keys, "rented "+r.Name+"/"+r.Term+" ("+r.PriceDate+")")
		}
	}
	list := keys
	if len(list) > 6 {
		list = append(list[:6:6], fmt.Sprintf("and %d more", len(keys)-6))
	}
	return []string{fmt.Sprintf("STALE PRICES: %d of the prices used are older than %d days: %s. Re-check them (tcobench prices import a newer genai-prices version; update the rental profiles) before quoting these figures",
		pa.Stale, pa.StaleAfterDays, strings.Join(list, ", "))}
}
