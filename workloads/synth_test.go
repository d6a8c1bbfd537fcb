package workloads

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSynthText(t *testing.T) {
	a := SynthText(42, 1000, 0.25)
	if a != SynthText(42, 1000, 0.25) {
		t.Fatal("not deterministic")
	}
	if len(a) != 4000 {
		t.Fatalf("%d chars for 1000 tokens at 0.25 tokens/char; want 4000", len(a))
	}
	if !strings.HasPrefix(a, SynthText(42, 100, 0.25)) {
		t.Error("a shorter text of the same seed is not a prefix")
	}
	if a == SynthText(43, 1000, 0.25) {
		t.Error("different seeds gave the same text")
	}
	if SynthText(1, 0, 0.25) != "" || len(SynthText(1, 10, 0)) != int(math.Round(10/EstimatedTokensPerChar)) {
		t.Error("edge cases")
	}
}

// TestBlocksText: equal Mooncake hash_ids give byte-identical prefixes.
func TestBlocksText(t *testing.T) {
	a := BlocksText([]int64{0, 1, 2}, 1100, 0.25)
	b := BlocksText([]int64{0, 1, 7, 8}, 1700, 0.25)
	c := BlocksText([]int64{5}, 100, 0.25)
	full := BlockTokens * 4
	if len(a) != 1100*4 || len(b) != 1700*4 {
		t.Fatalf("lengths %d, %d", len(a), len(b))
	}
	if a[:2*full] != b[:2*full] {
		t.Error("shared blocks 0 and 1 differ")
	}
	if a[2*full:2*full+40] == b[2*full:2*full+40] {
		t.Error("blocks 2 and 7 are equal")
	}
	if c != BlockText(5, 100, 0.25) || !strings.HasPrefix(BlockText(5, BlockTokens, 0.25), c) {
		t.Error("a partial block is not the prefix of the full block")
	}
	// More tokens than blocks cover: the remainder is synthesised, not dropped.
	if d := BlocksText([]int64{0}, 600, 0.25); len(d) != 2400 {
		t.Errorf("%d chars; want 2400", len(d))
	}
}

func TestCatalogResolves(t *testing.T) {
	names := CatalogNames()
	want := []string{"abcd-triage", "code-review-agent", "contract-redline", "draft-email", "meeting-summary", "proposal-generation", "tier1-support-ticket"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("catalog %v; want %v", names, want)
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			p, err := Open(n, ResolveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != n || p.Source != "catalog:"+n || p.ReplayMode != ReplayRecorded || p.Len != -1 {
				t.Errorf("plan %+v", p)
			}
			var wg sync.WaitGroup
			for g := 0; g < 4; g++ { // Instance is safe for concurrent use
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						checkInstance(t, p, i)
					}
				}()
			}
			wg.Wait()
		})
	}
	entries, err := Catalog()
	if err != nil || len(entries) != len(want) {
		t.Fatalf("Catalog: %v, %d", err, len(entries))
	}
	for _, e := range entries {
		if e.Description == "" || e.Source == "" || e.Steps == 0 {
			t.Errorf("entry %+v lacks description, source or steps", e)
		}
	}
}

func checkInstance(t *testing.T, p *Plan, i int) {
	in, ok := p.Instance(i)
	if !ok || len(in.Steps) == 0 || in.AtNS != -1 {
		t.Errorf("instance %d: %+v", i, in)
		return
	}
	carried := map[string]bool{}
	for k, s := range in.Steps {
		for j := 0; j < k; j++ {
			if s.CarryAll || slices.Contains(s.Carry, in.Steps[j].ID) {
				carried[in.Steps[j].ID] = true
			}
		}
	}
	for _, s := range in.Steps {
		// A carried step has a recorded output to carry; no synthesised
		// output is built for one that nothing carries.
		if s.MaxTokens < 1 || len(s.Messages) == 0 || carried[s.ID] && s.RecordedOutput == "" {
			t.Errorf("%s step %s: %+v", in.ID, s.ID, s)
		}
		for _, m := range s.Messages {
			if strings.Contains(m.Content, "<no value>") || strings.TrimSpace(m.Content) == "" {
				t.Errorf("%s step %s: empty or unfilled message %q", in.ID, s.ID, m.Content)
			}
		}
	}
}

func TestCatalogLookupRefusesPaths(t *testing.T) {
	for _, n := range []string{"", "../go.mod", "content/banking_kb", "nope"} {
		if _, err := CatalogYAML(n); err == nil {
			t.Errorf("CatalogYAML(%q) succeeded", n)
		}
	}
	if _, err := Open("no-such-workload", ResolveOptions{}); err == nil || !strings.Contains(err.Error(), "tier1-support-ticket") {
		t.Errorf("got %v; want the catalog names listed", err)
	}
}
