package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/internal/gguf"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
)

// runTcobench runs the CLI in-process with args and returns its exit status
// and output. The environment's TCOBENCH_* settings are cleared first.
func runTcobench(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TCOBENCH_") && k != "TCOBENCH_OLLAMA" {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	var out, errOut bytes.Buffer
	code = execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadInput: each mistake gives one line on stderr and the documented exit status.
func TestBadInput(t *testing.T) {
	badYAML := writeFile(t, "bad.yaml", "target: http://127.0.0.1:1\n  json: true\n")
	unknownKey := writeFile(t, "unknown.yaml", "targt: http://127.0.0.1:1\n")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"doctor", "--bogus"}, 2, "unknown flag: --bogus"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"config does not parse", []string{"--config", badYAML, "doctor"}, 2, "bad.yaml:2: mapping values are not allowed"},
		{"config unknown key", []string{"--config", unknownKey, "doctor"}, 2, "unknown key(s) targt"},
		{"config missing", []string{"--config", "/nonexistent/tcobench.yaml", "doctor"}, 2, "not found"},
		{"bad target URL", []string{"doctor", "--target", "ftp://x"}, 2, "want a URL like"},
		{"target does not answer", []string{"doctor", "--target", localservertest.RefusedURL(t)}, 1, "does not answer"},
		{"testmodel without out", []string{"testmodel"}, 2, "--out FILE is required"},
		{"testmodel bad size", []string{"testmodel", "--size", "huge", "--out", "x.gguf"}, 2, "unknown model size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runTcobench(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "tcobench: ") || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q: want one line \"tcobench: ...%s...\"", stderr, c.want)
			}
		})
	}
}

// TestConfigPrecedence: flag > TCOBENCH_* env > config file > default.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, "c.yaml", "size: small\nout: "+filepath.Join(dir, "from-file.gguf")+"\n")
	code, stdout, stderr := runTcobench(t, "--config", cfg, "testmodel")
	if code != 0 || !strings.Contains(stdout, "from-file.gguf: small model") {
		t.Fatalf("config file: exit %d, %q %q", code, stdout, stderr)
	}
	t.Setenv("TCOBENCH_SIZE", "tiny")
	code, stdout, _ = runTcobenchEnv(t, "--config", cfg, "testmodel")
	if code != 0 || !strings.Contains(stdout, "from-file.gguf: tiny model") {
		t.Fatalf("env over file: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runTcobenchEnv(t, "--config", cfg, "testmodel", "--size", "small", "--out", filepath.Join(dir, "flag.gguf"))
	if code != 0 || !strings.Contains(stdout, "flag.gguf: small model") {
		t.Fatalf("flag over env: exit %d, %q", code, stdout)
	}
}

// runTcobenchEnv runs the CLI keeping the environment as the test set it.
func runTcobenchEnv(t *testing.T, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := execute(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runTcobench(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "tcobench ") || !strings.Contains(stdout, "go1.") {
		t.Fatalf("exit %d, %q", code, stdout)
	}
}

// TestTestModelRoundTrip writes a model through the CLI and parses it back.
func TestTestModelRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tiny.gguf")
	if code, _, stderr := runTcobench(t, "testmodel", "--size", "tiny", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gguf.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if g.Metadata["general.architecture"] != "llama" || g.Metadata["general.name"] != "tcobench-tiny" {
		t.Errorf("metadata %v", g.Metadata["general.name"])
	}
}

// TestDoctorLiveServer runs doctor against the real local Ollama.
func TestDoctorLiveServer(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	code, stdout, stderr := runTcobench(t, "doctor", "--target", srv.URL())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"GPU:", "host:", "CPU:", "memory:", "Ollama native API, OpenAI-compatible API", "Ollama version 0.17.4", "model " + srv.Model()} {
		if !strings.Contains(stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runTcobench(t, "doctor", "--json", "--target", srv.URL()+"/v1")
	var rep struct {
		Target struct {
			Answers bool
			APIs    []string
			Ollama  struct{ Version string }
			OpenAI  struct{ Models []string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d, json: %v\n%s", code, err, stdout)
	}
	if !rep.Target.Answers || len(rep.Target.APIs) != 2 || rep.Target.Ollama.Version != "0.17.4" || len(rep.Target.OpenAI.Models) != 1 {
		t.Errorf("report %+v", rep.Target)
	}
}

// doctor's --timeout bounds each stall-probe request too: a server slower
// than it is reported as not judged, the deadline named.
func TestDoctorTimeoutBoundsStallProbe(t *testing.T) {
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 4, FirstTokenDelay: 3 * time.Second}))
	defer srv.Close()
	start := time.Now()
	code, stdout, stderr := runTcobench(t, "doctor", "--target", srv.URL, "--timeout", "1s")
	if code != 0 || !strings.Contains(stdout, "TCP stall probe") || !strings.Contains(stdout, "could not judge") || !strings.Contains(stdout, "deadline exceeded") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	t.Logf("doctor took %s (each probe request bounded by 1s, the server answers in 3s)", time.Since(start))
}

// TestEveryCommandHasHelp: each command's --help prints its text, with its
// long help where it has one (help/*.txt), and exits 0.
func TestEveryCommandHasHelp(t *testing.T) {
	var walk func(path []string, c *cobra.Command)
	walk = func(path []string, c *cobra.Command) {
		code, stdout, stderr := runTcobench(t, append(path, "--help")...)
		want := c.Long
		if want == "" {
			want = c.Short
		}
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("%v --help: exit %d, %q %q", path, code, stdout, stderr)
		}
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && sub.Name() != "completion" {
				walk(append(append([]string(nil), path...), sub.Name()), sub)
			}
		}
	}
	walk(nil, newRootCmd(newApp(io.Discard, io.Discard)))
}
