package perf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// minimal is the practical limit: a Go client that sends a pre-encoded
// request and only reads the stream, counting token lines. It keeps no
// record beyond a count and the first token's time.
type minimal struct {
	client *http.Client
	url    string
	tokens int
}

func newMinimal(base string, tokens int) *minimal {
	tr := &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 100000,
		DialContext: (&net.Dialer{Timeout: 30 * time.Second}).DialContext}
	return &minimal{client: &http.Client{Transport: tr}, url: base + "/v1/chat/completions", tokens: tokens}
}

var contentKey = []byte(`"content"`)

// do sends request id and reads its stream; it returns the token count and
// when the first token line arrived.
func (m *minimal) do(ctx context.Context, id string) (int, time.Time, error) {
	body := `{"model":"fake","messages":[{"role":"user","content":"` + id + `"}],"max_tokens":` +
		strconv.Itoa(m.tokens) + `,"stream":true}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, bytes.NewReader([]byte(body)))
	if err != nil {
		return 0, time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 4096)
	n, first := 0, time.Time{}
	for {
		line, err := br.ReadSlice('\n')
		if bytes.Contains(line, contentKey) {
			if n == 0 {
				first = time.Now()
			}
			n++
		}
		if err == io.EOF {
			return n, first, nil
		}
		if err != nil {
			return n, first, err
		}
	}
}

func (m *minimal) close() { m.client.CloseIdleConnections() }

// plan is a one-step workload whose request i carries "r<i>" as its only
// message, so the fake server's stamps match the run's task IDs.
func plan(tokens int) workloads.Plan {
	return workloads.Plan{Name: "perf", Source: "perf", Len: -1, ReplayMode: workloads.ReplayRecorded,
		Arrival: workloads.Arrival{Process: runrecord.ArrivalClosed, Users: 1},
		Instance: func(i int) (workloads.Instance, bool) {
			id := "r" + strconv.Itoa(i)
			return workloads.Instance{ID: id, Name: "perf", AtNS: -1, Steps: []workloads.Step{{ID: "s0", MaxTokens: tokens,
				Messages: []modelapi.Message{{Role: "user", Content: id}}}}}, true
		},
	}
}

// harnessResult is a finished engine run: its record, its attempts (when
// asked for) and this process's CPU time during load.Run.
type harnessResult struct {
	run  *runrecord.Run
	atts []runrecord.Attempt
	cpu  time.Duration
}

// harnessRun runs tcobench's load engine against url. The run directory is
// removed afterwards.
func harnessRun(ctx context.Context, url string, tokens int, sc load.Schedule, lim load.Limits, keepAttempts bool) (harnessResult, error) {
	var h harnessResult
	dir, err := os.MkdirTemp("", "tcobench-perf-")
	if err != nil {
		return h, err
	}
	defer os.RemoveAll(dir)
	c0 := cpuTime()
	defer load.RaiseGC()() // as the tcobench command runs the engine
	h.run, err = load.Run(ctx, load.Config{Name: "perf", OutDir: dir + "/run",
		Target: modelapi.Target{URL: url, API: modelapi.KindOpenAIChat, Model: "fake"}, Plan: plan(tokens),
		Schedule: sc, Limits: lim, Seed: 1})
	h.cpu = cpuTime() - c0
	if err != nil {
		return h, fmt.Errorf("harness run: %w", err)
	}
	if keepAttempts {
		if h.atts, err = runrecord.LoadAttempts(dir + "/run"); err != nil {
			return h, err
		}
	}
	return h, nil
}

// raiseNoFile lifts the open-file soft limit to the hard limit (Go does so
// at start-up on Linux too; this makes it explicit) and returns it.
func raiseNoFile() uint64 {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		return 0
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	return l.Cur
}
