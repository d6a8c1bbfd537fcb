package perf

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/runrecord"
)

// Peer benchmark stream shape, as in the peer study (shared reference
// peer-figures.md): 16 tokens, the first 20 ms after arrival, then one
// every 2 ms; prompts of 256 tokens (estimated).
const (
	peerTokens       = 16
	peerFirstDelay   = 20 * time.Millisecond
	peerTokenDelay   = 2 * time.Millisecond
	peerPromptTokens = 256
)

// PeerOptions choose the clients, points and repetitions of Peers.
type PeerOptions struct {
	// Tcobench and Vegeta are the clients' executables ("" skips vegeta).
	Tcobench, Vegeta string
	// Rates are the open-loop points (req/s, constant pacing); Streams the
	// closed-loop point (0: none).
	Rates   []float64
	Streams int
	// Duration is each client's run per point; Rounds how often every
	// point is repeated, the clients' order alternating.
	Duration time.Duration
	Rounds   int
	// Dir holds the clients' files (a temporary directory when "").
	Dir string
	// Progress receives a line per client run (nil: none).
	Progress func(string)
}

// PeerRun is one client's run at one point, judged against the fake
// server's own log (joined by X-Request-Id).
type PeerRun struct {
	Client string
	// Lag is arrival at the server − the intended send time (open loop);
	// TTFT the first token's arrival at the client − the server's flush of
	// it (tcobench only: vegeta does not parse the stream); E2E the end of
	// the response at the client − the server's last flush (ms).
	Lag, TTFT, E2E Stats
	// Requests matched the server's log; Unmatched did not.
	Requests, Unmatched int
	// CPUPerRequest is the client process's user+system CPU per request
	// (ms); MaxRSS its peak resident memory (bytes).
	CPUPerRequest float64
	MaxRSS        int64
	LoadAvg       string
	// Steal is the share of the machine's CPU time the hypervisor took
	// during the run (%, /proc/stat; -1: unknown): the load average does
	// not show it, and it moves the tails.
	Steal float64
}

// PeerPoint is one point: its name and every client's runs, in order.
type PeerPoint struct {
	Name string
	Rate float64 // 0: closed loop
	Runs []PeerRun
	// Floor is, per round of an open-loop point, how late a bare kernel
	// sleep (clock_nanosleep) woke on this machine at that moment, pacing
	// the point's rate with no load (ms): no client's lag at the server can
	// be much below it.
	Floor []Stats
}

// Peers runs tcobench and vegeta against the zero-work fake server (a child
// process with its log on) at the same points, alternating their order,
// and judges each against the server's log.
func Peers(ctx context.Context, o PeerOptions) ([]PeerPoint, error) {
	if o.Duration <= 0 {
		o.Duration = 5 * time.Second
	}
	o.Rounds = max(o.Rounds, 1)
	if o.Dir == "" {
		d, err := os.MkdirTemp("", "tcobench-peers-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		o.Dir = d
	}
	var pts []PeerPoint
	for _, r := range o.Rates {
		pts = append(pts, PeerPoint{Name: fmt.Sprintf("%.0f req/s", r), Rate: r})
	}
	if o.Streams > 0 {
		pts = append(pts, PeerPoint{Name: fmt.Sprintf("%d closed streams", o.Streams)})
	}
	clients := []string{"tcobench"}
	if o.Vegeta != "" {
		clients = append(clients, "vegeta")
	}
	n := 0
	for round := 0; round < o.Rounds; round++ {
		for i := range pts {
			if pts[i].Rate > 0 {
				f := wakeFloor(ctx, pts[i].Rate, min(o.Duration, floorDuration))
				pts[i].Floor = append(pts[i].Floor, f)
				if o.Progress != nil {
					o.Progress(fmt.Sprintf("round %d, %s, machine floor: kernel sleep late %s; load %s", round+1, pts[i].Name, f, loadAvg()))
				}
			}
			for k := range clients {
				c := clients[(k+n)%len(clients)] // alternate who goes first
				r, err := peerRun(ctx, o, &pts[i], c, filepath.Join(o.Dir, fmt.Sprintf("%d-%d-%s", round, i, c)))
				if err != nil {
					return pts, fmt.Errorf("%s at %s: %w", c, pts[i].Name, err)
				}
				pts[i].Runs = append(pts[i].Runs, r)
				if o.Progress != nil {
					o.Progress(fmt.Sprintf("round %d, %s, %s: lag %s; ttft error %s; e2e error %s; %.3f ms CPU/request; %.0f MiB RSS; load %s; steal %.1f %%",
						round+1, pts[i].Name, c, r.Lag, r.TTFT, r.E2E, r.CPUPerRequest, mib(r.MaxRSS), r.LoadAvg, r.Steal))
				}
			}
			n++
		}
	}
	return pts, nil
}

// floorDuration bounds each floor measurement.
const floorDuration = 2 * time.Second

// wakeFloor paces rate per second for d with a bare kernel sleep and
// nothing else, and returns how late each wake-up was (ms).
func wakeFloor(ctx context.Context, rate float64, d time.Duration) Stats {
	w, start := NewNanosleepWaiter()
	var late []float64
	for i := 0; ctx.Err() == nil; i++ {
		due := int64(float64(i) * 1e9 / rate)
		if due >= int64(d) {
			break
		}
		w.Wait(due)
		late = append(late, ms(int64(time.Since(start))-due))
	}
	return stats(late)
}

// peerRun runs client c at point p against a fresh fake server.
func peerRun(ctx context.Context, o PeerOptions, p *PeerPoint, c, dir string) (PeerRun, error) {
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: peerTokens, FirstTokenDelay: peerFirstDelay, TokenDelay: peerTokenDelay, Log: true})
	if err != nil {
		return PeerRun{}, err
	}
	defer srv.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return PeerRun{}, err
	}
	r := PeerRun{Client: c, LoadAvg: loadAvg()}
	t0 := readCPUTicks()
	var sent []peerRequest
	var ps *os.ProcessState
	if c == "tcobench" {
		sent, ps, r.MaxRSS, err = tcobenchPeer(ctx, o, p, srv.URL, dir)
	} else {
		sent, ps, r.MaxRSS, err = vegetaPeer(ctx, o, p, srv.URL, dir)
	}
	if err != nil {
		return r, err
	}
	r.Steal = stealPercent(t0, readCPUTicks())
	st, err := srv.Stamps(ctx)
	if err != nil {
		return r, err
	}
	judge(&r, sent, st, p.Rate > 0)
	if ps != nil && len(sent) > 0 {
		r.CPUPerRequest = ms(int64(ps.UserTime()+ps.SystemTime())) / float64(len(sent))
	}
	return r, nil
}

// runWatched runs cmd and returns its combined output and its peak
// resident memory, read from /proc/PID/status (VmHWM) while it runs: the
// rusage of a child started from a large parent counts the parent's pages
// at the fork.
func runWatched(cmd *exec.Cmd) ([]byte, int64, error) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status"
	var peak int64
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return []byte(out.String()), peak, err
		case <-t.C:
			peak = max(peak, statusField(status, "VmHWM"))
		}
	}
}

// peerRequest is one request as a client recorded it (Unix ns; 0: not
// known): its id, intended send, first token and end.
type peerRequest struct {
	id                    string
	scheduled, first, end int64
}

// judge joins the client's requests to the server's log by request id.
func judge(r *PeerRun, sent []peerRequest, st []fakeserver.Stamp, open bool) {
	byID := make(map[string]fakeserver.Stamp, len(st))
	for _, s := range st {
		byID[s.RequestID] = s
	}
	var lag, ttft, e2e []float64
	for _, q := range sent {
		s, ok := byID[q.id]
		if !ok {
			r.Unmatched++
			continue
		}
		r.Requests++
		if open && q.scheduled > 0 {
			lag = append(lag, ms(s.ArrivalNS-q.scheduled))
		}
		if q.first > 0 && s.FirstTokenNS > 0 {
			ttft = append(ttft, ms(q.first-s.FirstTokenNS))
		}
		if q.end > 0 {
			e2e = append(e2e, ms(q.end-s.EndNS))
		}
	}
	r.Lag, r.TTFT, r.E2E = stats(lag), stats(ttft), stats(e2e)
}

// tcobenchPeer runs `tcobench run` at the point and reads its record.
func tcobenchPeer(ctx context.Context, o PeerOptions, p *PeerPoint, url, dir string) ([]peerRequest, *os.ProcessState, int64, error) {
	out := filepath.Join(dir, "run")
	args := []string{"run", "--target", url, "--model", "fake", "--max-tokens", strconv.Itoa(peerTokens),
		"--prompt-tokens", strconv.Itoa(peerPromptTokens), "--duration", o.Duration.String(), "--collectors", "none",
		"--request-timeout", "60s", "--out", out}
	if p.Rate > 0 {
		args = append(args, "--arrival", "constant", "--rate", strconv.FormatFloat(p.Rate, 'f', -1, 64))
	} else {
		args = append(args, "--arrival", "closed", "--concurrency", strconv.Itoa(o.Streams))
	}
	cmd := exec.CommandContext(ctx, o.Tcobench, args...)
	b, peak, err := runWatched(cmd)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("tcobench run: %v: %s", err, lastLines(string(b), 3))
	}
	run, err := runrecord.ReadRun(out)
	if err != nil {
		return nil, nil, 0, err
	}
	zero := run.StartedAt.UnixNano()
	var sent []peerRequest
	err = runrecord.ReadAttempts(out, func(a *runrecord.Attempt) error {
		if a.SentNS == 0 && a.ErrorClass == runrecord.ErrDropped {
			return nil
		}
		q := peerRequest{id: a.RequestID, scheduled: zero + a.ScheduledNS, end: zero + a.EndNS}
		if a.FirstTokenNS > 0 {
			q.first = zero + a.FirstTokenNS
		}
		sent = append(sent, q)
		return nil
	})
	return sent, cmd.ProcessState, peak, err
}

// vegetaTarget is one line of vegeta's JSON targets format.
type vegetaTarget struct {
	Method string              `json:"method"`
	URL    string              `json:"url"`
	Body   string              `json:"body"`
	Header map[string][]string `json:"header"`
}

// vegetaResult is the part of `vegeta encode --to json` read here.
type vegetaResult struct {
	Seq       uint64              `json:"seq"`
	Code      int                 `json:"code"`
	Timestamp time.Time           `json:"timestamp"`
	Latency   int64               `json:"latency"`
	Headers   map[string][]string `json:"headers"`
}

// vegetaPeer runs `vegeta attack` at the point with one target per request
// (each its own X-Request-Id, the server echoes it) and reads its results.
func vegetaPeer(ctx context.Context, o PeerOptions, p *PeerPoint, url, dir string) ([]peerRequest, *os.ProcessState, int64, error) {
	n := int(p.Rate*o.Duration.Seconds()) + 1
	if p.Rate == 0 {
		n = 200000 // closed loop: more than the duration can use
	}
	tf := filepath.Join(dir, "targets.jsonl")
	if err := writeVegetaTargets(tf, url, n); err != nil {
		return nil, nil, 0, err
	}
	res := filepath.Join(dir, "results.bin")
	args := []string{"attack", "-format", "json", "-targets", tf, "-duration", o.Duration.String(), "-timeout", "60s",
		"-keepalive", "-output", res}
	if p.Rate > 0 {
		args = append(args, "-rate", strconv.FormatFloat(p.Rate, 'f', -1, 64)+"/1s")
	} else {
		args = append(args, "-rate", "0", "-workers", strconv.Itoa(o.Streams), "-max-workers", strconv.Itoa(o.Streams))
	}
	cmd := exec.CommandContext(ctx, o.Vegeta, args...)
	b, peak, err := runWatched(cmd)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("vegeta attack: %v: %s", err, lastLines(string(b), 3))
	}
	ps := cmd.ProcessState
	enc := exec.CommandContext(ctx, o.Vegeta, "encode", "-to", "json", res)
	out, err := enc.StdoutPipe()
	if err != nil {
		return nil, nil, 0, err
	}
	if err := enc.Start(); err != nil {
		return nil, nil, 0, err
	}
	var results []vegetaResult
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var v vegetaResult
		if json.Unmarshal(sc.Bytes(), &v) == nil {
			results = append(results, v)
		}
	}
	if err := enc.Wait(); err != nil {
		return nil, nil, 0, fmt.Errorf("vegeta encode: %w", err)
	}
	return vegetaRequests(results, p.Rate), ps, peak, nil
}

// vegetaRequests turns results into requests. Vegeta's constant pacer
// sends hit seq at the attack's start plus seq/rate, never earlier, so the
// start is the earliest of timestamp − seq/rate over the hits, and hit
// seq was due at that start plus seq/rate.
func vegetaRequests(results []vegetaResult, rate float64) []peerRequest {
	due := func(v vegetaResult) int64 { return int64(float64(v.Seq) * 1e9 / rate) }
	var began int64
	for i, v := range results {
		t := v.Timestamp.UnixNano()
		if rate > 0 {
			t -= due(v)
		}
		if i == 0 || t < began {
			began = t
		}
	}
	out := make([]peerRequest, 0, len(results))
	for _, v := range results {
		q := peerRequest{end: v.Timestamp.UnixNano() + v.Latency}
		if ids := v.Headers[fakeserver.RequestIDHeader]; len(ids) > 0 {
			q.id = ids[0]
		}
		if rate > 0 {
			q.scheduled = began + due(v)
		}
		out = append(out, q)
	}
	return out
}

// writeVegetaTargets writes n targets with the body tcobench sends for the
// same workload (chat, 256-token prompt, 16 tokens, streamed).
func writeVegetaTargets(path, url string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	prompt := strings.TrimSpace(strings.Repeat("alpha ledger invoice route signal harbor quota vector ", peerPromptTokens*4/56+1))[:peerPromptTokens*4]
	body, _ := json.Marshal(map[string]any{"model": "fake", "stream": true, "max_tokens": peerTokens,
		"stream_options": map[string]bool{"include_usage": true}, "messages": []map[string]string{{"role": "user", "content": prompt}}})
	b64 := base64.StdEncoding.EncodeToString(body)
	enc := json.NewEncoder(w)
	for i := 0; i < n; i++ {
		t := vegetaTarget{Method: "POST", URL: url + "/v1/chat/completions", Body: b64,
			Header: map[string][]string{"Content-Type": {"application/json"}, fakeserver.RequestIDHeader: {"vegeta-" + strconv.Itoa(i)}}}
		if err := enc.Encode(&t); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, " | ")
}
