package perf

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
)

// childEnv carries the fake server's options to a child process.
const childEnv = "TCOBENCH_PERF_FAKESERVER"

// RunChildIfAsked does a child's work and returns true when this process
// was started as a benchmark's child (the fake server of StartServer, or
// the client side of the memory benchmark); main and TestMain call it first
// and exit when it returns true.
func RunChildIfAsked() (bool, error) {
	if spec := os.Getenv(memEnv); spec != "" {
		return true, memChild(spec)
	}
	spec := os.Getenv(childEnv)
	if spec == "" {
		return false, nil
	}
	var o fakeserver.Options
	if err := json.Unmarshal([]byte(spec), &o); err != nil {
		return true, fmt.Errorf("%s: %w", childEnv, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done, err := fakeserver.New(o).Listen(ctx, "127.0.0.1:0")
	if err != nil {
		return true, err
	}
	fmt.Printf("listening %s\n", addr)
	go func() { // the parent closes stdin to stop the child
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	return true, <-done
}

// Server is a fake server child process.
type Server struct {
	URL    string
	cmd    *exec.Cmd
	stdin  io.Closer
	client *http.Client
}

// StartServer starts the fake server with options o in a child process (a
// copy of this executable, which must call RunChildIfAsked), so that its
// memory, file descriptors and garbage collector are its own, as a real
// model server's would be.
func StartServer(ctx context.Context, o fakeserver.Options) (*Server, error) {
	spec, _ := json.Marshal(o)
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start fake server: %w", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("fake server child did not start (%q): %v", line, err)
	}
	return &Server{URL: "http://" + addr, cmd: cmd, stdin: in, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

// CPU is the child's CPU time so far (user + system, from /proc).
func (s *Server) CPU() time.Duration { return procCPU(s.cmd.Process.Pid) }

// procCPU reads a process's user+system CPU time from /proc/PID/stat
// (0 when unreadable). Clock ticks are 100 per second on Linux.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// PID is the child's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stamps fetches and forgets the child's logged stamps.
func (s *Server) Stamps(ctx context.Context) ([]fakeserver.Stamp, error) {
	var st []fakeserver.Stamp
	err := s.get(ctx, "/fake/stamps?reset=1", func(r io.Reader) error { return json.NewDecoder(r).Decode(&st) })
	return st, err
}

// Active is the number of responses the child is streaming.
func (s *Server) Active(ctx context.Context) (int, error) {
	var n int
	err := s.get(ctx, "/fake/active", func(r io.Reader) error {
		b, err := io.ReadAll(r)
		if err == nil {
			n, err = strconv.Atoi(string(b))
		}
		return err
	})
	return n, err
}

func (s *Server) get(ctx context.Context, path string, read func(io.Reader) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return read(resp.Body)
}

// Close stops the child.
func (s *Server) Close() error {
	s.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(3 * time.Second):
		s.cmd.Process.Kill()
		err := <-done
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
}

// childResult runs this executable as a child with job (JSON) in the
// environment variable env and decodes the JSON it prints into out; what
// names the child in errors.
func childResult(ctx context.Context, env, what string, job, out any) error {
	spec, _ := json.Marshal(job)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), env+"="+string(spec))
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if jerr := json.Unmarshal(b, out); jerr != nil {
		return fmt.Errorf("%s: %v (%s)", what, err, strings.TrimSpace(string(b)))
	}
	return err
}
