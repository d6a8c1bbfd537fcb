package tco

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// Rental terms.
const (
	TermOnDemand  = "on_demand"
	TermOneYear   = "one_year"
	TermThreeYear = "three_year"
)

// rentalTerms is the order terms are listed in.
var rentalTerms = []string{TermOnDemand, TermOneYear, TermThreeYear}

// Rental is a rental profile: one rented GPU node (an instance type of a
// provider) priced per hour for each term it is offered on.
type Rental struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	Provider    string `yaml:"provider" json:"provider"`
	Instance    string `yaml:"instance" json:"instance"`
	// Hardware names the hardware profile with the same accelerators, whose
	// measured (or projected) throughput the rented node delivers.
	Hardware            string  `yaml:"hardware" json:"hardware"`
	AcceleratorsPerNode Sourced `yaml:"accelerators_per_node" json:"accelerators_per_node"`
	// Terms holds the price of each term offered (on_demand, one_year, three_year).
	Terms map[string]RentalTerm `yaml:"terms" json:"terms"`

	Path string `yaml:"-" json:"path"`
}

// RentalTerm is the price of one term, per GPU-hour or per node-hour (or
// both, when they agree).
type RentalTerm struct {
	USDPerGPUHour  *Sourced `yaml:"usd_per_gpu_hour,omitempty" json:"usd_per_gpu_hour,omitempty"`
	USDPerNodeHour *Sourced `yaml:"usd_per_node_hour,omitempty" json:"usd_per_node_hour,omitempty"`
}

// Price is the term's price per node-hour and per GPU-hour, and the figure
// they come from.
func (r *Rental) Price(term string) (perNode, perGPU float64, from Sourced, field string, ok bool) {
	t, ok := r.Terms[term]
	if !ok {
		return 0, 0, Sourced{}, "", false
	}
	n := r.AcceleratorsPerNode.V()
	if t.USDPerNodeHour != nil {
		perNode = t.USDPerNodeHour.V()
		return perNode, perNode / n, *t.USDPerNodeHour, "usd_per_node_hour", true
	}
	if t.USDPerGPUHour != nil {
		perGPU = t.USDPerGPUHour.V()
		return perGPU * n, perGPU, *t.USDPerGPUHour, "usd_per_gpu_hour", true
	}
	return 0, 0, Sourced{}, "", false
}

// OfferedTerms lists the terms the profile prices, in the usual order.
func (r *Rental) OfferedTerms() []string {
	var out []string
	for _, t := range rentalTerms {
		if _, ok := r.Terms[t]; ok {
			out = append(out, t)
		}
	}
	return out
}

// ParseRental decodes and validates a rental profile; file names it in errors.
func ParseRental(file string, data []byte) (*Rental, error) {
	return parse(file, data, checkRental, func(r *Rental) *string { return &r.Path })
}

// LoadRental reads and validates a rental profile by built-in name or file path.
func LoadRental(ref string) (*Rental, error) {
	file, data, err := readRef(KindRental, ref)
	if err != nil {
		return nil, err
	}
	return ParseRental(file, data)
}

// RentalsFor loads the built-in rental profiles of nodes with the
// accelerators of hardware profile hw, in name order.
func RentalsFor(hw string) ([]*Rental, error) {
	var out []*Rental
	for _, n := range Names(KindRental) {
		r, err := LoadRental(n)
		if err != nil {
			return nil, err
		}
		if r.Hardware == hw {
			out = append(out, r)
		}
	}
	return out, nil
}

var rentPrice = rng{0.01, 10000, "USD per hour"}

func checkRental(c *checker, r *Rental) {
	p := func(name string) []string { return []string{name} }
	c.name(r.Name)
	c.required(p("description"), r.Description)
	c.required(p("provider"), r.Provider)
	c.required(p("instance"), r.Instance)
	c.required(p("hardware"), r.Hardware)
	c.sourced(p("accelerators_per_node"), r.AcceleratorsPerNode, rng{1, 64, "accelerators"})
	if n := r.AcceleratorsPerNode.V(); n != math.Trunc(n) {
		c.add(p("accelerators_per_node"), "not a whole number (%g)", n)
	}
	if len(r.Terms) == 0 {
		c.add(p("terms"), "missing: price at least one of %v", rentalTerms)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Terms)) {
		checkTerm(c, r, name, r.Terms[name])
	}
}

func checkTerm(c *checker, r *Rental, name string, t RentalTerm) {
	tp := []string{"terms", name}
	known := false
	for _, k := range rentalTerms {
		known = known || k == name
	}
	if !known {
		c.add(tp, "unknown term %q (want %v)", name, rentalTerms)
		return
	}
	if t.USDPerGPUHour == nil && t.USDPerNodeHour == nil {
		c.add(tp, "missing price: give usd_per_gpu_hour or usd_per_node_hour")
		return
	}
	if t.USDPerGPUHour != nil {
		c.sourced(sub(tp, "usd_per_gpu_hour"), *t.USDPerGPUHour, rentPrice)
	}
	if t.USDPerNodeHour != nil {
		c.sourced(sub(tp, "usd_per_node_hour"), *t.USDPerNodeHour, rentPrice)
	}
	if t.USDPerGPUHour != nil && t.USDPerNodeHour != nil {
		g, n := t.USDPerGPUHour.V()*r.AcceleratorsPerNode.V(), t.USDPerNodeHour.V()
		if math.Abs(g-n) > 0.01*n {
			c.add(sub(tp, "usd_per_node_hour"), "%g USD per node-hour disagrees with usd_per_gpu_hour × accelerators_per_node (%g)", n, g)
		}
	}
}

// rentalKey names one term of a rental profile: "lambda-8xh100-sxm/on_demand".
func rentalKey(r *Rental, term string) string { return fmt.Sprintf("%s/%s", r.Name, term) }
