// Package report turns run directories into reports: one self-contained HTML
// file with inline SVG charts (no external scripts, styles or fonts), Markdown
// for pull requests and chat, and JSON for machines. A suite or sweep
// directory (several runs) gives one combined report.
//
// Every figure carries its unit and provenance (measured, configured, assumed,
// derived); every text that comes from outside (model and server names,
// task names, error messages) is escaped.
package report
