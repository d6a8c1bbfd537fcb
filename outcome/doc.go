// Package outcome evaluates a workload's success checks (docs/outcomes.md)
// on what a model produced: a step's output text and tool calls, or a whole
// task's. Checks are JSON Schema (santhosh-tekuri/jsonschema), regular
// expressions, equality and containment under stated normalisations, a
// label out of a set, a number within a tolerance, a tool call whose
// arguments satisfy a schema, and an LLM-as-judge request with a rubric to
// any backend tcobench speaks, whose tokens are recorded apart from the
// task's. Each check's expected value was rendered from the task's content
// records (package workloads), so every instance carries its own ground
// truth. The load engine calls a Checker as attempts finish.
package outcome
