// Package hardwareprofiles embeds the built-in hardware profiles (*.yaml)
// and site profiles (sites/*.yaml) that tcobench cost, tcobench profiles and
// the tco package read. The files are data: each figure carries its unit in
// its field name, a source, a date and whether it is an estimate.
package hardwareprofiles

import "embed"

// FS holds the hardware profiles at its root and the site profiles under sites/.
//
//go:embed *.yaml sites/*.yaml
var FS embed.FS

// Directories inside FS.
const (
	HardwareDir = "."
	SitesDir    = "sites"
)
