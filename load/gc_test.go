package load

import (
	"runtime/debug"
	"testing"
)

func TestGCTunerRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	var g gcTuner
	r1 := g.raise()
	r2 := g.raise()
	if got := debug.SetGCPercent(runGCPercent); got != runGCPercent {
		t.Fatalf("during runs GC percent = %d, want %d", got, runGCPercent)
	}
	r1()
	if got := debug.SetGCPercent(runGCPercent); got != runGCPercent {
		t.Fatalf("one run still going: GC percent = %d, want %d", got, runGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != runMemoryLimit {
		t.Fatalf("one run still going: memory limit %d, want %d", got, runMemoryLimit)
	}
	r2()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("after the runs GC percent = %d, want 100 restored", got)
	}
	if got := debug.SetMemoryLimit(-1); got == runMemoryLimit {
		t.Fatal("after the runs the memory limit was not restored")
	}
}

func TestGCTunerLeavesUserGOGC(t *testing.T) {
	t.Setenv("GOGC", "50")
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)
	var g gcTuner
	restore := g.raise()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Fatalf("GOGC set by the user: GC percent = %d, want 50 kept", got)
	}
	restore()
}
