package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/tco"
)

// TestPricesImport imports the committed genai-prices copy into a catalog
// file that validates and prices what the data lists; bad data is one line.
func TestPricesImport(t *testing.T) {
	data := filepath.Join("..", "..", "tco", "prices", "genai-prices", "data.json")
	out := filepath.Join(t.TempDir(), "mine.yaml")
	code, _, stderr := runTcobench(t, "prices", "import", data, "--checked", "2026-11-30", "--data-version", "genai-prices 0.1.8", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "imported 1469 models of 41 providers") {
		t.Errorf("stderr: %s", stderr)
	}
	cat, err := tco.LoadCatalog(out)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := cat.Find("openai/gpt-4o"); !ok || *m.InputUSDPerMTok != 2.5 || m.Checked != "2026-11-30" || cat.Version != "genai-prices 0.1.8" {
		t.Errorf("imported catalog: version %q, gpt-4o %+v", cat.Version, m)
	}
	bad := writeFile(t, "bad.json", `[{"id":"p","models":[{"id":"m","prices":{"input_mtok":-1,"output_mtok":2}}]}]`)
	code, _, stderr = runTcobench(t, "prices", "import", bad, "--checked", "2026-11-30")
	if code != 2 || !strings.Contains(stderr, "bad.json:1:55: providers[0].models[0].prices.input_mtok: negative price -1") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
