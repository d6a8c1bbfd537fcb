// Package prices embeds the built-in API price catalogs (*.yaml) that
// tcobench cost and tcobench prices read.
package prices

import "embed"

// FS holds the price catalogs at its root.
//
//go:embed *.yaml
var FS embed.FS
