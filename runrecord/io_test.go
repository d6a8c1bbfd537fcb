package runrecord

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadRunRefusesBadCost(t *testing.T) {
	for name, tc := range map[string]struct{ cost, want string }{
		"not an object": {`[1]`, "cannot unmarshal"},
		"newer schema":  {`{"schema": 99}`, "cost schema 99 is newer"},
	} {
		dir := t.TempDir()
		b := `{"schema": 1, "id": "r", "cost": ` + tc.cost + `}`
		if err := os.WriteFile(filepath.Join(dir, RunFile), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadRun(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, tc.want)
		}
	}
}

func TestLoadConfigString(t *testing.T) {
	for want, l := range map[string]LoadConfig{
		"closed loop of 4 users":                               {Mode: ArrivalClosed, Concurrency: 4, RatePerS: 0.5},
		"poisson arrivals at 2 tasks/s, at most 8 in flight":   {Mode: ArrivalPoisson, RatePerS: 2, Concurrency: 8},
		"gamma arrivals at 1.5 tasks/s (shape 0.5)":            {Mode: ArrivalGamma, RatePerS: 1.5, GammaShape: 0.5},
		"trace replay at 0.5× time":                            {Mode: ArrivalTrace, TimeScale: 0.5},
		"constant arrivals at 10 tasks/s, at most 1 in flight": {Mode: ArrivalConstant, RatePerS: 10, Concurrency: 1},
	} {
		if got := l.String(); got != want {
			t.Errorf("%+v: %q, want %q", l, got, want)
		}
	}
}
