package perfmodel

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
)

//go:embed published/published-perf.tsv
var publishedTSV []byte

// Published metrics.
const (
	MetricTotalOutputTokPerS = "total_output_tok_s"   // whole system, offline max load
	MetricOutputTokPerSGPU   = "output_tok_s_per_gpu" // static batch, per GPU
	MetricTTFTMS             = "ttft_ms"              // batch 1, one output token
)

// PublishedRow is one published measurement.
type PublishedRow struct {
	ID, Source, Model string
	Precision         modelarch.Precision
	GPU               string
	TP, ISL, OSL      int
	Requests, Batch   int
	Metric            string
	Value             float64
}

// PublishedRows returns the published measurements the model is validated
// against (perfmodel/published/published-perf.tsv).
func PublishedRows() ([]PublishedRow, error) {
	var rows []PublishedRow
	sc := bufio.NewScanner(bytes.NewReader(publishedTSV))
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "id\t") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != 12 {
			return nil, fmt.Errorf("published-perf.tsv:%d: %d fields, want 12", line, len(f))
		}
		r := PublishedRow{ID: f[0], Source: f[1], Model: f[2], Precision: modelarch.Precision(f[3]), GPU: f[4], Metric: f[10]}
		ints := []*int{&r.TP, &r.ISL, &r.OSL, &r.Requests, &r.Batch}
		for i, p := range ints {
			n, err := strconv.Atoi(f[5+i])
			if err != nil {
				return nil, fmt.Errorf("published-perf.tsv:%d: field %d: %w", line, 6+i, err)
			}
			*p = n
		}
		v, err := strconv.ParseFloat(f[11], 64)
		if err != nil {
			return nil, fmt.Errorf("published-perf.tsv:%d: value: %w", line, err)
		}
		r.Value = v
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// PublishedGPUs are the datasheet figures of the GPUs in the published
// rows (the reference's §2 table, dense peaks). GB200 has none there.
var PublishedGPUs = map[string]Device{
	"h100": {Name: "H100 SXM5 80GB", Kind: KindGPU, PerNode: 8, PeakFLOPS: map[string]float64{"bf16": 989e12, "fp8": 1979e12}, MemBytes: 80 * GiB, MemBW: 3.35e12, LinkBW: 450e9},
	"h200": {Name: "H200 SXM 141GB", Kind: KindGPU, PerNode: 8, PeakFLOPS: map[string]float64{"bf16": 989e12, "fp8": 1979e12}, MemBytes: 141 * GiB, MemBW: 4.8e12, LinkBW: 450e9},
	"a100": {Name: "A100 SXM4 80GB", Kind: KindGPU, PerNode: 8, PeakFLOPS: map[string]float64{"bf16": 312e12}, MemBytes: 80 * GiB, MemBW: 2.039e12, LinkBW: 300e9},
	"l40s": {Name: "L40S 48GB", Kind: KindGPU, PerNode: 8, PeakFLOPS: map[string]float64{"bf16": 362e12, "fp8": 733e12}, MemBytes: 48 * GiB, MemBW: 0.864e12, LinkBW: 32e9},
	"b200": {Name: "B200 SXM 180GB", Kind: KindGPU, PerNode: 8, PeakFLOPS: map[string]float64{"bf16": 2250e12, "fp8": 4500e12, "fp4": 9000e12}, MemBytes: 180 * GiB, MemBW: 8e12, LinkBW: 900e9},
}

// OfflineEngine is TensorRT-LLM's max-throughput benchmark as the model
// sees it: in-flight batching up to 2,048 sequences, 8,192 tokens a step,
// 95 % of the memory left after the weights for the KV cache (the
// perf-overview's kv_cache_free_gpu_mem_fraction), no prefix reuse.
func OfflineEngine() Engine {
	return Engine{Name: "trtllm-bench throughput (in-flight batching, 2048 sequences, 8192-token steps)", MaxSeqs: 2048, TokenBudget: 8192, MemFraction: 0.95, ReserveBytes: 3e9}
}

// StaticEngine runs fixed batches of bs sequences (TensorRT-LLM v0.9.0's gptSessionBenchmark).
func StaticEngine(bs int) Engine {
	return Engine{Name: fmt.Sprintf("static batch of %d", bs), MaxSeqs: bs, TokenBudget: math.MaxInt32, MemFraction: 1, Static: true}
}

// Prediction is the model's figure beside a published one.
type Prediction struct {
	Row       PublishedRow
	Predicted float64
	// Err is predicted / published − 1; Skipped says why there is no prediction.
	Err     float64
	Skipped string
}

// fixedWorkload sends requests of isl prompt and osl output tokens.
func fixedWorkload(isl, osl int) *Workload {
	return &Workload{Name: fmt.Sprintf("%d/%d", isl, osl), Len: -1, Lengths: "fixed",
		Task: func(i int) (Task, bool) {
			return Task{ID: strconv.Itoa(i), AtNS: 0, Steps: []Step{{Prompt: isl, Out: osl}}}, true
		}}
}

// PredictPublished predicts one published row with factors f.
func PredictPublished(r PublishedRow, f Factors) Prediction {
	p := Prediction{Row: r}
	dev, ok := PublishedGPUs[r.GPU]
	if !ok {
		p.Skipped = "no datasheet figures for " + r.GPU + " in the reference"
		return p
	}
	a, err := modelarch.Lookup(r.Model)
	if err != nil {
		p.Skipped = err.Error()
		return p
	}
	kv := modelarch.FP8
	if r.Precision == modelarch.FP16 || r.Precision == modelarch.BF16 {
		kv = r.Precision
	}
	arch := a.WithPrecision(r.Precision, kv)
	rep := NewReplica(&arch, dev, r.TP, f)
	var e Engine
	n := r.Requests
	switch r.Metric {
	case MetricTotalOutputTokPerS:
		e = OfflineEngine()
	default:
		e, n = StaticEngine(r.Batch), r.Batch
	}
	res, err := Simulate(rep, e, fixedWorkload(r.ISL, r.OSL), Load{Mode: runrecord.ArrivalClosed, Users: n}, SimOptions{Tasks: n, WarmupFraction: -1})
	if err != nil {
		p.Skipped = err.Error()
		return p
	}
	if res.Dropped > 0 {
		p.Skipped = fmt.Sprintf("%d of %d requests exceed the KV cache in the model", res.Dropped, n)
		return p
	}
	tps, ttft := offlineFigures(res)
	switch r.Metric {
	case MetricTotalOutputTokPerS:
		p.Predicted = tps
	case MetricOutputTokPerSGPU:
		p.Predicted = tps / float64(r.TP)
	case MetricTTFTMS:
		p.Predicted = ttft * 1e3
	}
	p.Err = p.Predicted/r.Value - 1
	return p
}

// offlineFigures are the whole simulation's output tokens per second
// (first send to last end) and its mean time to first token in seconds.
func offlineFigures(res *SimResult) (tokPerS, ttft float64) {
	var out, first, last int64
	var sum float64
	first = math.MaxInt64
	for _, a := range res.Attempts {
		out += int64(a.Tokens.Output)
		first, last = min(first, a.SentNS), max(last, a.EndNS)
		sum += float64(a.FirstTokenNS-a.SentNS) / 1e9
	}
	if last <= first {
		return 0, 0
	}
	return float64(out) / (float64(last-first) / 1e9), sum / float64(len(res.Attempts))
}

// ErrorStats summarises absolute errors: count, median and worst, in fractions.
type ErrorStats struct {
	N             int
	Median, Worst float64
	WorstID       string
	P90           float64
}

// Stats summarises the absolute errors of the predictions that match keep.
func Stats(ps []Prediction, keep func(Prediction) bool) ErrorStats {
	var errs []float64
	var s ErrorStats
	for _, p := range ps {
		if p.Skipped != "" || !keep(p) {
			continue
		}
		e := math.Abs(p.Err)
		errs = append(errs, e)
		if e > s.Worst {
			s.Worst, s.WorstID = e, p.Row.ID
		}
	}
	s.N = len(errs)
	if s.N == 0 {
		return s
	}
	sort.Float64s(errs)
	s.Median = quantile(errs, 0.5)
	s.P90 = quantile(errs, 0.9)
	return s
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}
