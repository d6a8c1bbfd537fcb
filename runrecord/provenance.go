package runrecord

// Provenance says where a figure came from. Every number tcobench shows
// carries one.
type Provenance string

// The provenances, from the strongest to the weakest.
const (
	// Measured: read on the run (a timestamp, a counter, a token count).
	Measured Provenance = "measured"
	// Configured: stated by the user or a sourced profile or catalog entry.
	Configured Provenance = "configured"
	// Derived: computed from measured and configured inputs together (a cost).
	Derived Provenance = "derived"
	// Projected: predicted by the performance model for hardware or load not measured.
	Projected Provenance = "projected"
	// Assumed: an estimate or a default nobody stated.
	Assumed Provenance = "assumed"
)

// Weakest is the provenance of a figure derived from others: assumed if any
// input was assumed, else projected if any was projected, else configured if
// any was configured, else measured. Derived inputs count as configured.
func Weakest(ps ...Provenance) Provenance {
	out := Measured
	for _, p := range ps {
		switch p {
		case Assumed:
			return Assumed
		case Projected:
			out = Projected
		case Configured, Derived:
			if out == Measured {
				out = Configured
			}
		}
	}
	return out
}
