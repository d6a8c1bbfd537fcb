package tco

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	hardwareprofiles "github.com/tcobench/tcobench/hardware-profiles"
	"github.com/tcobench/tcobench/tco/prices"
	"go.yaml.in/yaml/v3"
)

// Kinds of data file.
const (
	KindHardware = "hardware"
	KindSite     = "site"
	KindPrices   = "prices"
	KindRental   = "rental"
)

// EmbeddedPrefix marks a built-in file in a Path.
const EmbeddedPrefix = "embedded:"

func embedded(kind string) (fs.FS, string) {
	switch kind {
	case KindHardware:
		return hardwareprofiles.FS, hardwareprofiles.HardwareDir
	case KindSite:
		return hardwareprofiles.FS, hardwareprofiles.SitesDir
	case KindRental:
		return hardwareprofiles.FS, hardwareprofiles.RentalsDir
	default:
		return prices.FS, "."
	}
}

// Names lists the built-in files of a kind, by name (file name without .yaml).
func Names(kind string) []string {
	fsys, dir := embedded(kind)
	entries, _ := fs.ReadDir(fsys, dir)
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// readRef reads a built-in file by name, or a user file by path. A ref that
// names an existing file, or looks like a path (a separator or a .yaml/.yml
// suffix), is a path.
func readRef(kind, ref string) (file string, data []byte, err error) {
	if ref == "" {
		return "", nil, fmt.Errorf("no %s given (built-in: %s)", kind, strings.Join(Names(kind), ", "))
	}
	if st, serr := os.Stat(ref); serr == nil && !st.IsDir() || looksLikePath(ref) {
		data, err = os.ReadFile(ref)
		if err != nil {
			return ref, nil, fmt.Errorf("%s file: %w", kind, err)
		}
		return ref, data, nil
	}
	fsys, dir := embedded(kind)
	data, err = fs.ReadFile(fsys, path.Join(dir, ref+".yaml"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("unknown %s %q (built-in: %s; or give a file path)", kind, ref, strings.Join(Names(kind), ", "))
	}
	if err != nil {
		return "", nil, fmt.Errorf("read built-in %s %q: %w", kind, ref, err)
	}
	return EmbeddedPrefix + path.Join(embeddedRoot(kind), ref+".yaml"), data, nil
}

func embeddedRoot(kind string) string {
	switch kind {
	case KindHardware:
		return "hardware-profiles"
	case KindSite:
		return "hardware-profiles/sites"
	case KindRental:
		return "hardware-profiles/rentals"
	default:
		return "tco/prices"
	}
}

func looksLikePath(ref string) bool {
	return strings.ContainsAny(ref, `/\`) || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml")
}

// LoadHardware reads and validates a hardware profile by built-in name or file path.
func LoadHardware(ref string) (*Hardware, error) {
	file, data, err := readRef(KindHardware, ref)
	if err != nil {
		return nil, err
	}
	return ParseHardware(file, data)
}

// LoadSite reads and validates a site profile by built-in name or file path.
func LoadSite(ref string) (*Site, error) {
	file, data, err := readRef(KindSite, ref)
	if err != nil {
		return nil, err
	}
	return ParseSite(file, data)
}

// DefaultCatalog is the built-in API price catalog used when none is named.
const DefaultCatalog = "api-2026"

// LoadCatalog reads and validates an API price catalog by built-in name or
// file path; "" is DefaultCatalog.
func LoadCatalog(ref string) (*Catalog, error) {
	if ref == "" {
		ref = DefaultCatalog
	}
	file, data, err := readRef(KindPrices, ref)
	if err != nil {
		return nil, err
	}
	return ParseCatalog(file, data)
}

// Validate reads and validates a file of the given kind ("hardware", "site",
// "prices", "rental").
func Validate(kind, ref string) error {
	switch kind {
	case KindHardware:
		_, err := LoadHardware(ref)
		return err
	case KindSite:
		_, err := LoadSite(ref)
		return err
	case KindPrices:
		_, err := LoadCatalog(ref)
		return err
	case KindRental:
		_, err := LoadRental(ref)
		return err
	}
	return fmt.Errorf("unknown kind %q", kind)
}

// KindOf tells what a profile reference is: a built-in hardware or site
// name, or a file whose fields say (terms: rental; accelerator_model:
// hardware; pue: site; models: prices). It returns "" when it cannot tell.
func KindOf(ref string) string {
	for _, kind := range []string{KindHardware, KindSite, KindPrices, KindRental} {
		for _, n := range Names(kind) {
			if n == ref {
				return kind
			}
		}
	}
	data, err := os.ReadFile(ref)
	if err != nil {
		return ""
	}
	var keys map[string]any
	if yaml.Unmarshal(data, &keys) != nil {
		return ""
	}
	switch {
	case keys["terms"] != nil:
		return KindRental
	case keys["accelerator_model"] != nil:
		return KindHardware
	case keys["pue"] != nil || keys["facility_model"] != nil:
		return KindSite
	case keys["models"] != nil:
		return KindPrices
	}
	return ""
}
