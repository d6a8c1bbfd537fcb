// Package prices embeds the built-in API price catalogs (*.yaml) that
// tcobench cost and tcobench prices read. api-2026.yaml is generated from the
// committed genai-prices data under genai-prices/ (see its SOURCE.md): edit
// genai-prices/overlay.yaml or replace the data, then run go generate.
package prices

import "embed"

// FS holds the price catalogs at its root.
//
//go:embed *.yaml
var FS embed.FS

//go:generate go run ../internal/genprices -data genai-prices/data.json -overlay genai-prices/overlay.yaml -out api-2026.yaml
