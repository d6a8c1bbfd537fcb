// Package portfolio chooses, per workflow, the cheapest way to get it done
// right: given options (local models on hardware measured by runs, API
// models measured by runs against their APIs, imported traces with their
// recorded bills and outcomes, and configured figures), it picks per
// workflow the option with the lowest cost per successful task among those
// meeting the SLOs and a pass-rate threshold, and states the saving against
// the frontier model for everything, against the best single option, and
// the oracle bound (each task instance sent to the option cheapest for it).
// Results render as text, Markdown, JSON and HTML (docs/outcomes.md).
package portfolio
