package localserver_test

import (
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"

	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// ticketWords make up the benchmark prompts: support-ticket English.
var ticketWords = strings.Fields("the customer would like a refund for the order placed last week because the card payment failed twice and the bank charged a fee please help")

// prompt is about n tokens of the generated models' tokenizer (1.77 tokens a
// word on this text), varied by salt so that no prompt cache is reused.
func prompt(salt, n int) string {
	words := make([]string, 0, n*100/177+1)
	words = append(words, fmt.Sprint(salt))
	for i := 0; len(words) < n*100/177; i++ {
		words = append(words, ticketWords[(i*7+salt)%len(ticketWords)])
	}
	return strings.Join(words, " ")
}

func generate(ctx context.Context, c *api.Client, model, p string, out, threads int) (api.GenerateResponse, error) {
	var final api.GenerateResponse
	stream := false
	opts := map[string]any{"num_predict": out}
	if threads > 0 {
		opts["num_thread"] = threads
	}
	req := &api.GenerateRequest{Model: model, Prompt: p, Raw: true, Stream: &stream, Options: opts}
	err := c.Generate(ctx, req, func(r api.GenerateResponse) error { final = r; return nil })
	return final, err
}

// BenchmarkSmallOneCore measures the small model on one thread: a
// 1,000-token prompt and 64 output tokens, the sizing target of
// docs/local-server.md. It prints the server's own timings.
func BenchmarkSmallOneCore(b *testing.B) {
	srv := localservertest.ForTest(b, localserver.Options{Size: "small"})
	base, _ := url.Parse(srv.URL())
	c := api.NewClient(base, http.DefaultClient)
	var total, prefill, decode time.Duration
	var inTok, outTok int
	i := 0
	for b.Loop() {
		r, err := generate(context.Background(), c, srv.Model(), prompt(i, 1000), 64, 1)
		if err != nil {
			b.Fatal(err)
		}
		i++
		total += r.TotalDuration
		prefill += r.PromptEvalDuration
		decode += r.EvalDuration
		inTok += r.PromptEvalCount
		outTok += r.EvalCount
	}
	n := float64(i)
	b.ReportMetric(total.Seconds()/n, "s/request")
	b.ReportMetric(prefill.Seconds()/n, "prefill-s/request")
	b.ReportMetric(decode.Seconds()/n, "decode-s/request")
	b.ReportMetric(float64(inTok)/n, "prompt-tokens")
	b.ReportMetric(float64(outTok)/n, "output-tokens")
}

// BenchmarkSmallQueue sends 4 requests at once (500-token prompts, 32
// output tokens each) with 1 and with 4 parallel slots, and reports the mean
// request latency as the client sees it, which shows the queueing.
func BenchmarkSmallQueue(b *testing.B) {
	for _, par := range []int{1, 4} {
		b.Run(fmt.Sprintf("parallel%d", par), func(b *testing.B) {
			srv := localservertest.ForTest(b, localserver.Options{Size: "small", Parallel: par})
			base, _ := url.Parse(srv.URL())
			c := api.NewClient(base, http.DefaultClient)
			var sum time.Duration
			var mu sync.Mutex
			round := 0
			for b.Loop() {
				var wg sync.WaitGroup
				for k := 0; k < 4; k++ {
					wg.Add(1)
					go func(salt int) {
						defer wg.Done()
						start := time.Now()
						if _, err := generate(context.Background(), c, srv.Model(), prompt(salt, 500), 32, 0); err != nil {
							b.Error(err)
						}
						mu.Lock()
						sum += time.Since(start)
						mu.Unlock()
					}(round*4 + k)
				}
				wg.Wait()
				round++
			}
			b.ReportMetric(sum.Seconds()/float64(round*4), "s/request")
		})
	}
}
