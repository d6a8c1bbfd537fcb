package tco

import (
	"fmt"
	"math"
	"time"
)

// DefaultStaleAfter is the age past which a price is flagged stale when
// Options.StaleAfter is zero: API prices move within months.
const DefaultStaleAfter = 90 * 24 * time.Hour

// parseDate reads a YYYY-MM-DD or YYYY-MM date (a month is its first day), UTC.
func parseDate(d string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", d); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01", d); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("bad date %q (want YYYY-MM-DD or YYYY-MM)", d)
}

// PriceAge is how old a dated price is at now, in whole days, and whether
// that is past staleAfter. A price without a readable date is stale, with
// age -1.
func PriceAge(date string, now time.Time, staleAfter time.Duration) (days int, stale bool) {
	t, err := parseDate(date)
	if err != nil {
		return -1, true
	}
	age := now.Sub(t)
	return int(math.Floor(age.Hours() / 24)), age > staleAfter
}
