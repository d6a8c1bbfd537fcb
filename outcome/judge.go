package outcome

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// JudgeMaxTokens is the judge's output limit: a verdict and one sentence.
const JudgeMaxTokens = 64

// judgeSystem tells the judge how to answer.
const judgeSystem = "You grade an answer against a rubric. Reply with PASS or FAIL on the first line, then one sentence saying why."

type judgeClient struct {
	spec workloads.JudgeSpec
	be   modelapi.Backend
}

// resolve fills the check's judge from the defaults and checks it is complete.
func (c *Checker) resolve(spec *workloads.CheckSpec) (workloads.JudgeSpec, error) {
	var j workloads.JudgeSpec
	if spec.Judge != nil {
		j = *spec.Judge
	}
	j = j.Merge(c.judge)
	if j.Backend == "" {
		j.Backend = modelapi.KindOpenAIChat
	}
	switch {
	case j.Target == "":
		return j, fmt.Errorf("no judge target (judge.target in the check, or the judge-target setting)")
	case j.Model == "":
		return j, fmt.Errorf("no judge model (judge.model in the check, or the judge-model setting)")
	case j.APIKeyEnv != "" && c.getenv(j.APIKeyEnv) == "":
		return j, fmt.Errorf("judge API key: environment variable %s is not set", j.APIKeyEnv)
	}
	return j, nil
}

func (c *Checker) target(j workloads.JudgeSpec) modelapi.Target {
	t := modelapi.Target{URL: j.Target, API: j.Backend, Model: j.Model}
	if j.APIKeyEnv != "" {
		t.APIKey = c.getenv(j.APIKeyEnv)
	}
	return t
}

// client returns the judge backend's client, built once.
func (c *Checker) client(j workloads.JudgeSpec) (*judgeClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if jc := c.judges[j]; jc != nil {
		return jc, nil
	}
	be, err := modelapi.New(c.target(j), modelapi.Options{Timeout: 2 * time.Minute})
	if err != nil {
		return nil, err
	}
	jc := &judgeClient{spec: j, be: be}
	c.judges[j] = jc
	return jc, nil
}

// Probe checks, before a run sends anything, that every judge check has a
// complete judge whose backend answers. Its error is bad input, one line
// starting with the first failing check's file:line.
func (c *Checker) Probe(ctx context.Context, judges []*workloads.CheckSpec) error {
	seen := map[workloads.JudgeSpec]error{}
	for _, spec := range judges {
		j, err := c.resolve(spec)
		if err == nil {
			e, done := seen[j]
			if !done {
				e = modelapi.Reachable(ctx, c.target(j))
				seen[j] = e
			}
			if e != nil {
				err = fmt.Errorf("judge backend %s (%s, model %s): %w", j.Target, j.Backend, j.Model, e)
			}
		}
		if err != nil {
			return badinput.Errorf("%s.judge: %v", spec.Where, err)
		}
	}
	return nil
}

// runJudge asks the judge whether text meets the rubric.
func (c *Checker) runJudge(ctx context.Context, ch *workloads.Check, text string) (*runrecord.JudgeUsage, error) {
	j, err := c.resolve(ch.Spec)
	if err != nil {
		return nil, err
	}
	jc, err := c.client(j)
	if err != nil {
		return nil, err
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	req := &modelapi.Request{Model: j.Model, MaxTokens: JudgeMaxTokens, KeepOutput: true,
		Messages: []modelapi.Message{{Role: "system", Content: judgeSystem}, {Role: "user", Content: judgePrompt(ch, text)}}}
	var a runrecord.Attempt
	clk := modelapi.NewClock(time.Now())
	reply := string(jc.be.Do(ctx, clk, req, &a))
	u := &runrecord.JudgeUsage{Backend: j.Backend, Model: j.Model, OK: a.OK, InputTokens: a.Tokens.Input,
		OutputTokens: a.Tokens.Output, Source: a.Tokens.Source, LatencyNS: a.EndNS - a.SentNS}
	if !a.OK {
		return u, fmt.Errorf("the judge did not answer: %s", a.Error)
	}
	return u, verdict(reply)
}

func judgePrompt(ch *workloads.Check, text string) string {
	var b strings.Builder
	b.WriteString("Rubric:\n" + ch.Rubric + "\n\n")
	if ch.Expected != "" {
		b.WriteString("Reference answer:\n" + ch.Expected + "\n\n")
	}
	b.WriteString("Answer to grade:\n" + text)
	return b.String()
}

// verdict reads the judge's first word: PASS passes, anything else fails.
func verdict(reply string) error {
	f := strings.Fields(strings.ToUpper(reply))
	if len(f) > 0 && strings.Trim(f[0], "*:.#") == "PASS" {
		return nil
	}
	if len(f) > 0 && strings.Trim(f[0], "*:.#") == "FAIL" {
		return errors.New("the judge said FAIL: " + clip(strings.TrimSpace(reply), 150))
	}
	return fmt.Errorf("the judge gave no verdict: %s", quote(reply))
}
