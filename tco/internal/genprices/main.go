// Command genprices regenerates a built-in API price catalog from the
// committed genai-prices data and its overlay (go generate ./tco/prices).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/tcobench/tcobench/tco"
)

func main() {
	data := flag.String("data", "genai-prices/data.json", "genai-prices data file")
	overlay := flag.String("overlay", "genai-prices/overlay.yaml", "import overlay (name, version, date, batch discounts)")
	out := flag.String("out", "api-2026.yaml", "catalog file to write")
	shown := flag.String("shown", "tco/prices/genai-prices/data.json", "the data's path as the catalog's header names it")
	flag.Parse()
	var b bytes.Buffer
	if err := tco.GenerateCatalog(&b, *data, *overlay, *shown); err != nil {
		fmt.Fprintln(os.Stderr, "genprices:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genprices:", err)
		os.Exit(1)
	}
}
