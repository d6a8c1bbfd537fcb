package localserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
)

// Options configures a local server.
type Options struct {
	Size     string    // generated model size: "tiny" (default) or "small"
	Parallel int       // OLLAMA_NUM_PARALLEL: requests served at once; 0 keeps Ollama's default
	Log      io.Writer // receives the server's output; nil discards it
	Binary   string    // the Ollama binary; "" means BinaryPath()
}

// ContextLength is the context window, in tokens, every request gets
// (OLLAMA_CONTEXT_LENGTH): the generated models are trained for it.
const ContextLength = 8192

// chatTemplate renders chat messages (and tool definitions, so requests with
// tools are accepted) as plain text, so that /api/chat and
// /v1/chat/completions count every message's tokens. /api/generate prompts
// arrive as one user message.
const chatTemplate = `{{- if .Tools }}<|tools|>
{{ range .Tools }}{{ json . }}
{{ end }}{{ end }}
{{- range .Messages }}<|{{ .Role }}|>
{{ .Content }}
{{- range .ToolCalls }}
{{ json .Function }}{{ end }}
{{ end }}<|assistant|>
`

// Server is a running Ollama server with one generated model.
type Server struct {
	url, model string
	dir        string
	cmd        *exec.Cmd
	exited     chan struct{} // closed when the process has exited
	waitErr    error
	tail       *tailBuffer
	stopOnce   sync.Once
	stopErr    error
}

// URL is the server's base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.url }

// PID is the process id of the server (the leader of its process group).
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Model is the name of the served model, e.g. "tcobench-tiny".
func (s *Server) Model() string { return s.model }

// LogTail returns the last few KB of the server's output, for error reports.
func (s *Server) LogTail() string { return s.tail.String() }

// Start starts Ollama on a free loopback port with a fresh model folder,
// imports the generated model of opts.Size, loads it, and returns once the
// server answers. ctx bounds the start-up only; call Stop to end the server.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin := opts.Binary
	if bin == "" {
		bin = BinaryPath()
	}
	if err := CheckBinary(bin); err != nil {
		return nil, err
	}
	if opts.Size == "" {
		opts.Size = "tiny"
	}
	modelPath, digest, err := ModelFile(opts.Size)
	if err != nil {
		return nil, err
	}
	var s *Server
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken before Ollama binds it
		s, err = launch(ctx, bin, opts)
		if err == nil || ctx.Err() != nil || !errors.Is(err, errExited) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.setUp(ctx, opts.Size, modelPath, digest); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("local ollama: %w (server log: %s)", err, s.tail.lastLine())
	}
	return s, nil
}

var errExited = errors.New("ollama serve exited")

func launch(ctx context.Context, bin string, opts Options) (*Server, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tcobench-ollama-*")
	if err != nil {
		return nil, fmt.Errorf("local ollama: %w", err)
	}
	s := &Server{url: "http://127.0.0.1:" + strconv.Itoa(port), dir: dir, exited: make(chan struct{}), tail: newTailBuffer(8 << 10)}
	var out io.Writer = s.tail
	if opts.Log != nil {
		out = io.MultiWriter(s.tail, opts.Log)
	}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = serverEnv(dir, port, opts.Parallel)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = out, out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("local ollama: start %s: %w", bin, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("local ollama on port %d: %w (server log: %s)", port, err, s.tail.lastLine())
	}
	return s, nil
}

// serverEnv is the environment of `ollama serve`: the caller's, without its
// OLLAMA_* settings, plus a private home and model folder, a loopback
// address, models kept loaded while the server runs, and no cloud features.
func serverEnv(dir string, port, parallel int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OLLAMA_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+dir,
		"OLLAMA_HOST=127.0.0.1:"+strconv.Itoa(port),
		"OLLAMA_MODELS="+dir+"/models",
		"OLLAMA_KEEP_ALIVE=-1",
		"OLLAMA_NOPRUNE=1",
		"OLLAMA_NO_CLOUD=1",
		"OLLAMA_NOHISTORY=1",
		"OLLAMA_CONTEXT_LENGTH="+strconv.Itoa(ContextLength),
		"OLLAMA_LOAD_TIMEOUT=2m",
	)
	if parallel > 0 {
		env = append(env, "OLLAMA_NUM_PARALLEL="+strconv.Itoa(parallel))
	}
	return env
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("local ollama: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls /api/version until the server answers, it exits, or ctx ends.
func (s *Server) waitReady(ctx context.Context) error {
	c := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/api/version", nil)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not answering: %w", ctx.Err())
		case <-s.exited:
			return fmt.Errorf("%w: %v", errExited, s.waitErr)
		case <-tick.C:
		}
	}
}

// setUp imports the model file through the API (blob upload, then create)
// and loads it, so the first request does not pay the load time.
func (s *Server) setUp(ctx context.Context, size, modelPath, digest string) error {
	base, _ := url.Parse(s.url)
	client := api.NewClient(base, &http.Client{})
	f, err := os.Open(modelPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := client.CreateBlob(ctx, digest, f); err != nil {
		return fmt.Errorf("upload model blob: %w", err)
	}
	name := "tcobench-" + size
	req := &api.CreateRequest{Model: name, Files: map[string]string{"model.gguf": digest}, Template: chatTemplate}
	if err := client.Create(ctx, req, func(api.ProgressResponse) error { return nil }); err != nil {
		return fmt.Errorf("create model %s: %w", name, err)
	}
	s.model = name
	load := &api.GenerateRequest{Model: name}
	if err := client.Generate(ctx, load, func(api.GenerateResponse) error { return nil }); err != nil {
		return fmt.Errorf("load model %s: %w", name, err)
	}
	return nil
}

// Stop ends the server and every process in its process group (the model
// runners too): SIGTERM, then SIGKILL after a grace period. It removes the
// model folder. Calling it again returns the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.stopErr = s.stop()
		if err := os.RemoveAll(s.dir); err != nil && s.stopErr == nil {
			s.stopErr = fmt.Errorf("local ollama: remove %s: %w", s.dir, err)
		}
	})
	return s.stopErr
}

func (s *Server) stop() error {
	pgid := s.cmd.Process.Pid
	signalGroup(pgid, false)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		signalGroup(pgid, true)
		<-s.exited
	}
	// The runner may outlive a server that crashed: end the whole group.
	signalGroup(pgid, true)
	return nil
}
