package tco

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// CapacityRun finds the run to price in dir: dir itself when it holds a run
// (nil basis: priced at its offered load), else the best point of the
// sweep or capacity search it holds, with the capacity basis saying so.
func CapacityRun(dir string) (string, *runrecord.ThroughputBasis, error) {
	if _, err := os.Stat(filepath.Join(dir, runrecord.RunFile)); err == nil {
		return dir, nil, nil
	}
	var sw *runrecord.Sweep
	label := ""
	if c, err := runrecord.ReadCapacity(dir); err == nil {
		sw = &c.Sweep
		conv := fmt.Sprintf("converged within %.0f %%", 100*c.Tolerance)
		if !c.Converged {
			conv = "not converged: the capacity may be higher"
		}
		label = fmt.Sprintf("capacity search, %s, %d probes", conv, len(c.Points))
	} else if s, err := runrecord.ReadSweep(dir); err == nil {
		sw = s
		label = fmt.Sprintf("sweep best point of %d; the capacity lies between it and the next point", len(s.Points))
	} else {
		return "", nil, badinput.Errorf("%s: not a run directory (no %s), nor a sweep or capacity search directory", dir, runrecord.RunFile)
	}
	if sw.Best < 0 || sw.Best >= len(sw.Points) {
		return "", nil, badinput.Errorf("%s: no load point met the SLOs: there is no capacity to price", dir)
	}
	p := sw.Points[sw.Best]
	load := fmt.Sprintf("%g tasks/s offered", p.Rate)
	if sw.Kind == "concurrency" {
		load = fmt.Sprintf("%d users", p.Concurrency)
	}
	b := &runrecord.ThroughputBasis{Basis: runrecord.BasisCapacity, Source: dir,
		Label: fmt.Sprintf("at capacity meeting the SLOs (%s: %s, %s)", label, load, p.Dir)}
	return p.Dir, b, nil
}
