//go:build cgo

package nvml

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"
)

// The tests in this file go through go-nvml's real library loading: a stub
// libnvidia-ml.so.1 (testdata/nvml_stub.c) is built with gcc and loaded by
// dlopen, and every call crosses cgo, as on a GPU node. A symbol the stub
// lacks fails the way it fails with an old driver ("symbol lookup error",
// exit 127), so each scenario runs in a child process of its own (the
// process-wide symbol bindings of one stub must not leak into the next).

const (
	stubLibEnv      = "TCOBENCH_TEST_NVML_STUB"
	stubScenarioEnv = "TCOBENCH_TEST_NVML_SCENARIO"
)

// buildStub compiles the stub library (with extra gcc flags) into a
// temporary folder and returns its path. Without gcc it skips, or fails
// under CI=true.
func buildStub(t *testing.T, flags ...string) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gcc not found: the stub NVML library cannot be built (%v)", err)
		}
		t.Skipf("gcc not found: the stub NVML library cannot be built (%v)", err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "libnvidia-ml.so.1")
	args := append([]string{"-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-Wno-deprecated-declarations",
		"-DNVML_NO_UNVERSIONED_FUNC_DEFS=1", "-I", nvmlHeaderDir(t)}, flags...)
	args = append(args, "-o", out, filepath.Join("testdata", "nvml_stub.c"))
	cmd := exec.Command(gcc, args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir()) // cgo and gcc: a private TMPDIR
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, b)
	}
	return out
}

// nvmlHeaderDir is go-nvml's folder holding nvml.h, the header the stub
// is compiled against (the one go-nvml's cgo calls are compiled against).
func nvmlHeaderDir(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go tool not found: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", "github.com/NVIDIA/go-nvml")
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list go-nvml: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(b)), "pkg", "nvml")
	if _, err := os.Stat(filepath.Join(dir, "nvml.h")); err != nil {
		t.Fatalf("nvml.h: %v", err)
	}
	return dir
}

// runScenario runs one scenario in a child process against lib, with the
// stub's behaviour set by env, and fails with the child's output if the
// child fails or dies.
func runScenario(t *testing.T, lib, scenario string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStubChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), stubLibEnv+"="+lib, stubScenarioEnv+"="+scenario, "TMPDIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scenario %s: %v\n%s", scenario, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestStubChild") {
		t.Fatalf("scenario %s did not run:\n%s", scenario, out)
	}
}

// TestStubChild runs the scenario named in the environment; it does
// nothing in a plain test run.
func TestStubChild(t *testing.T) {
	name := os.Getenv(stubScenarioEnv)
	if name == "" {
		t.Skip("runs only as a child of TestStubLibrary")
	}
	sc, ok := stubScenarios[name]
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	sc(t, gonvml.New(gonvml.WithLibraryPath(os.Getenv(stubLibEnv))))
}

// stubScenarios are the checks run in the child processes, by name.
var stubScenarios = map[string]func(t *testing.T, lib Library){}

// TestStubLibrary runs every scenario through the stub library.
func TestStubLibrary(t *testing.T) {
	lib := buildStub(t)
	oldDriver := buildStub(t, "-DOLD_DRIVER")
	tests := []struct {
		name string
		lib  string
		env  []string
	}{
		{"healthy", lib, nil},
		{"old-driver", oldDriver, nil},
		{"handle-fails", lib, []string{"STUB_GPUS=3", "STUB_FAIL_HANDLE=1"}},
		{"mig", lib, []string{"STUB_MIG=1"}},
		{"no-energy-counter", lib, []string{"STUB_NO_ENERGY=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { runScenario(t, tc.lib, tc.name, tc.env...) })
	}
	for _, name := range []string{"control", "control-no-permission"} {
		t.Run(name, func(t *testing.T) {
			env := []string{"STUB_LOG=" + filepath.Join(t.TempDir(), "settings.log")}
			if name == "control-no-permission" {
				env = append(env, "STUB_NO_PERMISSION=1")
			}
			runScenario(t, lib, name, env...)
		})
	}
}
