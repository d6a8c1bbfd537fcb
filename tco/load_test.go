package tco

import "testing"

// TestBuiltinsValid loads every embedded profile and catalog: each must pass
// validation and carry the name of its file.
func TestBuiltinsValid(t *testing.T) {
	for _, kind := range []string{KindHardware, KindSite, KindPrices} {
		names := Names(kind)
		if len(names) == 0 {
			t.Fatalf("no built-in %s files", kind)
		}
		for _, n := range names {
			var got string
			var err error
			switch kind {
			case KindHardware:
				var h *Hardware
				if h, err = LoadHardware(n); err == nil {
					got = h.Name
				}
			case KindSite:
				var s *Site
				if s, err = LoadSite(n); err == nil {
					got = s.Name
				}
			case KindPrices:
				var c *Catalog
				if c, err = LoadCatalog(n); err == nil {
					got = c.Name
				}
			}
			if err != nil {
				t.Errorf("%s %s: %v", kind, n, err)
				continue
			}
			if got != n {
				t.Errorf("%s %s: name field %q does not match the file name", kind, n, got)
			}
		}
	}
}
