package workloads

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData returns ../shared/data beside the repository (the clone's
// sibling in CI), skipping when it is absent outside CI.
func sharedData(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s missing (CI must lay ../shared beside the clone): %v", p, err)
		}
		t.Skipf("shared data %s not found (put shared/ beside the repository): %v", p, err)
	}
	return p
}
