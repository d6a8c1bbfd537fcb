package perf

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
)

// memEnv carries a memory benchmark client's job to a child process.
const memEnv = "TCOBENCH_PERF_MEMCLIENT"

// Memory stream shape: long, slow streams so that all are in flight at once.
const (
	memTokens     = 12
	memTokenDelay = time.Second
)

type memJob struct {
	Engine  bool   `json:"engine"`
	URL     string `json:"url"`
	Streams int    `json:"streams"`
}

// MemResult is the client process's resident memory with streams in flight.
type MemResult struct {
	// Streams is the most streams the server saw in flight at once.
	Streams int `json:"streams"`
	// BaseRSS is the client's RSS before the load; RSS its RSS when the most
	// streams were in flight; PeakRSS its high-water mark (bytes).
	BaseRSS int64  `json:"base_rss"`
	RSS     int64  `json:"rss"`
	PeakRSS int64  `json:"peak_rss"`
	NoFile  uint64 `json:"nofile"`
	Err     string `json:"err,omitempty"`
}

// PerStream is the resident memory each in-flight stream added (bytes).
func (r MemResult) PerStream() float64 {
	if r.Streams == 0 {
		return 0
	}
	return float64(r.RSS-r.BaseRSS) / float64(r.Streams)
}

// Memory measures the resident memory of a client process (a child, so
// that nothing else shares its heap) holding streams concurrent streams,
// for the engine and for the minimal client.
func Memory(ctx context.Context, streams int) (engine, limit MemResult, err error) {
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: memTokens, TokenDelay: memTokenDelay})
	if err != nil {
		return engine, limit, err
	}
	defer srv.Close()
	if limit, err = memClient(ctx, memJob{URL: srv.URL, Streams: streams}); err != nil {
		return engine, limit, err
	}
	engine, err = memClient(ctx, memJob{Engine: true, URL: srv.URL, Streams: streams})
	return engine, limit, err
}

func memClient(ctx context.Context, job memJob) (MemResult, error) {
	var r MemResult
	err := childResult(ctx, memEnv, "memory client", job, &r)
	if err == nil && r.Err != "" {
		err = fmt.Errorf("memory client: %s", r.Err)
	}
	return r, err
}

// memChild runs one memory job in this process and prints its result.
func memChild(spec string) error {
	var job memJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		return err
	}
	ctx := context.Background()
	r := MemResult{NoFile: raiseNoFile()}
	runtime.GC()
	r.BaseRSS = rss("VmRSS")
	srv := &Server{URL: job.URL, client: newMinimal(job.URL, 0).client}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		watch(ctx, srv, stop, &r)
	}()
	err := memLoad(ctx, job)
	close(stop)
	wg.Wait()
	r.PeakRSS = rss("VmHWM")
	if err != nil {
		r.Err = err.Error()
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func memLoad(ctx context.Context, job memJob) error {
	if job.Engine {
		_, err := harnessRun(ctx, job.URL, memTokens, load.Closed{Users: job.Streams}, load.Limits{Count: job.Streams}, false)
		return err
	}
	m := newMinimal(job.URL, memTokens)
	defer m.close()
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for i := 0; i < job.Streams; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := m.do(ctx, "m"+strconv.Itoa(i)); err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// watch samples the server's streams in flight and this process's RSS,
// keeping the RSS at the most streams.
func watch(ctx context.Context, srv *Server, stop <-chan struct{}, r *MemResult) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		n, err := srv.Active(ctx)
		if err != nil {
			continue
		}
		if rs := rss("VmRSS"); n > r.Streams || (n == r.Streams && rs > r.RSS) {
			r.Streams, r.RSS = n, rs
		}
	}
}

// rss reads a field of /proc/self/status in bytes (0 when unreadable).
func rss(field string) int64 { return statusField("/proc/self/status", field) }

// statusField reads a kB field of a /proc/PID/status file in bytes (0 when
// unreadable).
func statusField(path, field string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
