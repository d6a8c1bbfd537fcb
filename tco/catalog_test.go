package tco

import (
	"errors"
	"strings"
	"testing"
)

// TestCatalogFind: a key is that model; a bare name is its one model, else
// the one of its providers' models in the compare list or the reference
// model, else nothing, with the providers named.
func TestCatalogFind(t *testing.T) {
	builtin, err := builtinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	// Two providers' gpt-5-mini both in the compare list: no guess.
	both := *builtin
	both.Compare = append([]string{"github-copilot/gpt-5-mini"}, builtin.Compare...)
	// With no compare list, the reference model still settles its name.
	refOnly := *builtin
	refOnly.Compare, refOnly.ReferenceModel = nil, "github-copilot/gpt-5.4"
	for _, tc := range []struct {
		name string
		cat  *Catalog
		key  string
		want string // the key found; "" none
		err  string // in the error when none
	}{
		{"key", builtin, "github-copilot/gpt-5-mini", "github-copilot/gpt-5-mini", ""},
		{"key before a bare name", builtin, "openai/gpt-oss-120b", "openai/gpt-oss-120b", ""},
		{"key with a slash in its name", builtin, "groq/openai/gpt-oss-120b", "groq/openai/gpt-oss-120b", ""},
		{"one provider", builtin, "deepseek-chat", "deepseek/deepseek-chat", ""},
		{"the compare list's of two", builtin, "gpt-5-mini", "openai/gpt-5-mini", ""},
		{"the compare list's of three", builtin, "claude-sonnet-4-6", "anthropic/claude-sonnet-4-6", ""},
		{"the compare list's of five", builtin, "gpt-oss-120b", "fireworks/gpt-oss-120b", ""},
		{"a bare name with a slash", builtin, "qwen/qwen3-32b", "groq/qwen/qwen3-32b", ""},
		{"the reference model's", &refOnly, "gpt-5.4", "github-copilot/gpt-5.4", ""},
		{"none in the compare list", builtin, "claude-3-5-sonnet", "", `"claude-3-5-sonnet" is offered by anthropic, google: give provider/model`},
		{"two in the compare list", &both, "gpt-5-mini", "", `"gpt-5-mini" is offered by github-copilot, openai: give provider/model`},
		{"no compare list", &refOnly, "gpt-5-mini", "", `"gpt-5-mini" is offered by github-copilot, openai: give provider/model`},
		{"unknown", builtin, "acme/nothing", "", `"acme/nothing" is not in price catalog api-2026`},
		{"unknown provider", builtin, "acme/gpt-5-mini", "", `"acme/gpt-5-mini" is not in price catalog api-2026`},
		{"empty", builtin, "", "", `"" is not in price catalog api-2026`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.cat.Lookup(tc.key)
			got := ""
			if m != nil {
				got = m.Key()
			}
			if got != tc.want {
				t.Errorf("Lookup(%q) = %q, want %q", tc.key, got, tc.want)
			}
			if f, ok := tc.cat.Find(tc.key); ok != (tc.want != "") || f != m {
				t.Errorf("Find(%q) = %v, %v; Lookup: %v", tc.key, f, ok, m)
			}
			var le *LookupError
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("Lookup(%q): %v", tc.key, err)
			case tc.err != "" && (err == nil || err.Error() != tc.err || !errors.As(err, &le)):
				t.Errorf("Lookup(%q): error %v, want %s", tc.key, err, tc.err)
			}
		})
	}
}

// TestCheckCatalogAmbiguousReference: a catalog's bare reference model that
// several providers offer is refused with the providers named.
func TestCheckCatalogAmbiguousReference(t *testing.T) {
	cat, err := builtinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	c := *cat
	c.ReferenceModel, c.Compare = "claude-3-5-sonnet", nil
	err = CheckCatalog(&c, "test.yaml")
	if err == nil || !strings.Contains(err.Error(), `"claude-3-5-sonnet" is offered by anthropic, google: give provider/model`) {
		t.Errorf("CheckCatalog: %v", err)
	}
}

// No catalog named is the default one.
func TestLoadCatalogDefault(t *testing.T) {
	if c, err := LoadCatalog(""); err != nil || c.Name != DefaultCatalog {
		t.Fatalf("LoadCatalog(\"\") = %v, %v; want %s", c, err, DefaultCatalog)
	}
}
