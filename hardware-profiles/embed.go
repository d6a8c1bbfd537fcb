// Package hardwareprofiles embeds the built-in hardware profiles (*.yaml),
// site profiles (sites/*.yaml) and rental profiles (rentals/*.yaml: rented
// GPU nodes priced per hour by provider and term) that tcobench cost,
// tcobench profiles and the tco package read. The files are data: each figure carries its unit in
// its field name, a source, a date and whether it is an estimate.
package hardwareprofiles

import "embed"

// FS holds the hardware profiles at its root, the site profiles under sites/
// and the rental profiles under rentals/.
//
//go:embed *.yaml sites/*.yaml rentals/*.yaml
var FS embed.FS

// Directories inside FS.
const (
	HardwareDir = "."
	SitesDir    = "sites"
	RentalsDir  = "rentals"
)
