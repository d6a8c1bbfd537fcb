package tco

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// ParseVolume reads a daily volume as the settings state it: tasks per day,
// "20000" or "20000/day" (spaces around either part allowed); "" is 0, none
// stated. Anything else, a volume of 0 or less, NaN or an infinity included,
// is an error that says what is wanted, for the caller to name its setting.
func ParseVolume(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "/day")), 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, errors.New("want tasks per day, e.g. 20000 or 20000/day")
	}
	return v, nil
}
