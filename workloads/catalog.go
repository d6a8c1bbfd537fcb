package workloads

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// catalogFS holds the embedded catalog: one YAML workload per entry and the
// content files (with their licences) under catalog/content.
//
//go:embed catalog/*.yaml catalog/content
var catalogFS embed.FS

// CatalogEntry describes one embedded workload.
type CatalogEntry struct {
	Name        string
	Description string
	Source      string
	Tasks       int
	Steps       int
}

// CatalogNames lists the embedded workloads, sorted.
func CatalogNames() []string {
	ents, _ := fs.ReadDir(catalogFS, "catalog")
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Catalog describes every embedded workload.
func Catalog() ([]CatalogEntry, error) {
	var out []CatalogEntry
	for _, n := range CatalogNames() {
		f, err := LoadCatalog(n)
		if err != nil {
			return nil, err
		}
		e := CatalogEntry{Name: f.Name, Description: f.Description, Source: f.Source, Tasks: len(f.Tasks)}
		for _, t := range f.Tasks {
			e.Steps += len(t.Steps)
		}
		out = append(out, e)
	}
	return out, nil
}

// CatalogYAML returns the embedded YAML of a catalog entry.
func CatalogYAML(name string) ([]byte, error) {
	if name == "" || strings.ContainsAny(name, "/\\.") {
		return nil, fmt.Errorf("catalog: no entry %q", name)
	}
	b, err := catalogFS.ReadFile("catalog/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("catalog: no entry %q", name)
	}
	return b, nil
}

// LoadCatalog decodes and validates a catalog entry.
func LoadCatalog(name string) (*File, error) {
	b, err := CatalogYAML(name)
	if err != nil {
		return nil, err
	}
	return Decode("catalog/"+name+".yaml", b)
}

func catalogReader(string) readFunc {
	return func(name string) ([]byte, error) {
		return catalogFS.ReadFile(path.Join("catalog", name))
	}
}
