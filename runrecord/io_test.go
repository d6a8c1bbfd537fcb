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
