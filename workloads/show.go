package workloads

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// WritePlan describes a resolved plan and its instance i as tcobench would
// send it, step by step: delay, carried steps, message count, prompt
// characters, output limit and the start of the last message.
func WritePlan(w io.Writer, p *Plan, i int) error {
	n := "unbounded (a weighted mix)"
	if p.Len >= 0 {
		n = fmt.Sprintf("%d task instances", p.Len)
	}
	fmt.Fprintf(w, "workload %s (%s): %s; arrival %s", p.Name, p.Source, n, p.Arrival.Process)
	switch p.Arrival.Process {
	case runrecord.ArrivalClosed:
		fmt.Fprintf(w, ", %d users, think time %s", p.Arrival.Users, time.Duration(p.Arrival.ThinkTimeNS))
	case runrecord.ArrivalTrace:
	default:
		fmt.Fprintf(w, ", %g tasks/s", p.Arrival.RatePerS)
	}
	fmt.Fprintf(w, "; replay %s", p.ReplayMode)
	if p.PromptLengths != "" {
		fmt.Fprintf(w, "; synthesised prompt lengths %s", p.PromptLengths)
	}
	fmt.Fprintln(w)
	in, ok := p.Instance(i)
	if !ok {
		return badinput.Errorf("workload %s has no instance %d", p.Name, i)
	}
	fmt.Fprintf(w, "instance %d: id %s, task %s", i, in.ID, in.Name)
	if in.AtNS >= 0 {
		fmt.Fprintf(w, ", arrives at %s (recorded)", time.Duration(in.AtNS))
	}
	if in.HasRecordedCost {
		fmt.Fprintf(w, ", recorded API cost $%.4f", in.RecordedCostUSD)
	}
	if in.RecordedSuccess != nil {
		fmt.Fprintf(w, ", recorded success %v", *in.RecordedSuccess)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tDELAY\tCARRY\tMESSAGES\tCHARS\tMAX TOKENS\tLAST MESSAGE STARTS")
	for _, s := range in.Steps {
		chars := 0
		for _, m := range s.Messages {
			chars += len(m.Content)
		}
		carry := strings.Join(s.Carry, ",")
		if s.CarryAll {
			carry = "all"
		}
		first := ""
		if len(s.Messages) > 0 {
			first = trimLine(s.Messages[len(s.Messages)-1].Content, 50)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", s.ID, time.Duration(s.DelayNS).Round(time.Microsecond), carry, len(s.Messages), chars, s.MaxTokens, first)
	}
	return tw.Flush()
}

// Problems checks a workload file or trace without sending anything and
// returns one line per problem ("file:line: field: what is wrong"); none
// for a good file.
func Problems(path string) []string {
	if _, err := CatalogYAML(path); err == nil {
		if _, err := Open(path, ResolveOptions{}); err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		if _, err := Load(path); err != nil {
			var pe *ProblemsError
			if errors.As(err, &pe) {
				return strings.Split(pe.Error(), "\n")
			}
			return []string{err.Error()}
		}
		if _, err := Open(path, ResolveOptions{}); err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	_, rep, err := ImportData(DetectFormat(path, data), path, data, ImportOptions{SkipBad: true})
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range rep.Bad {
		out = append(out, p.String())
	}
	return out
}

// trimLine folds s onto one line of at most n bytes.
func trimLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// WriteCatalog lists the embedded catalog: each workload's name, its LLM
// calls per task and the first sentence of its description.
func WriteCatalog(w io.Writer) error {
	entries, err := Catalog()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTEPS\tDESCRIPTION")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", e.Name, e.Steps, firstSentence(e.Description))
	}
	return tw.Flush()
}

func firstSentence(s string) string {
	if i := strings.Index(s, ": "); i > 0 && i < 90 {
		return s[:i]
	}
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return s
}
