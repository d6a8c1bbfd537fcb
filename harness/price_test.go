package harness

import (
	"context"
	"testing"

	"github.com/tcobench/tcobench/tco"
)

// Stated profiles price every portfolio option now; without them the
// options keep their latest cost; the catalog is the one named, else the
// default; a catalog that does not load is an error.
func TestPortfolioPricing(t *testing.T) {
	ps := Defaults().Pricing
	p, err := ps.PortfolioPricing(context.Background())
	if err != nil || p.Always || p.Price == nil || p.Catalog == nil || p.Catalog.Name != tco.DefaultCatalog {
		t.Fatalf("no profiles: %+v, %v", p, err)
	}
	ps.Hardware, ps.Site = "cpu-server", "office"
	if p, err = ps.PortfolioPricing(context.Background()); err != nil || !p.Always || p.Catalog == nil {
		t.Fatalf("profiles stated: %+v, %v", p, err)
	}
	ps.Prices = "no-such-catalog"
	if _, err = ps.PortfolioPricing(context.Background()); err == nil {
		t.Fatal("an unknown catalog was taken")
	}
}
