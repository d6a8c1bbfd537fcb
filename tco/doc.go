// Package tco prices a benchmark run: the on-prem cost per hour of a hardware
// profile at a site (capex amortisation, maintenance, staff, facility and
// energy), the cost per task, request and million tokens in a fleet view
// (idle time and capex included, at a stated utilisation) and a marginal view
// (energy above idle only), the API cost of the same measured tokens for every
// model of a price catalog, break-even volume, payback, a utilisation curve,
// a ±20 % sensitivity (tornado) and a projection over the amortisation period.
//
// Everything here is a pure function of the run record, the profiles and the
// prices; every figure carries its provenance (measured, configured or
// assumed). The formulas follow docs/cost-model.md.
package tco
