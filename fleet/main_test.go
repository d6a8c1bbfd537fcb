package fleet

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// bin is the tcobench binary the tests that run shards as processes (a
// killed shard, Slurm's tasks) build once.
var bin struct {
	once      sync.Once
	dir, path string
	err       error
	out       []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

// tcobenchBinary builds cmd/tcobench (once per test binary).
func tcobenchBinary(t *testing.T) string {
	t.Helper()
	bin.once.Do(func() {
		if bin.dir, bin.err = os.MkdirTemp("", "tcobench-bin-"); bin.err != nil {
			return
		}
		bin.path = filepath.Join(bin.dir, "tcobench")
		bin.out, bin.err = exec.Command("go", "build", "-o", bin.path, "github.com/tcobench/tcobench/cmd/tcobench").CombinedOutput()
	})
	if bin.err != nil {
		t.Fatalf("build tcobench: %v\n%s", bin.err, bin.out)
	}
	return bin.path
}
