#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time (FUZZTIME, default 20s each).
# The committed seed corpora under testdata/fuzz also run in every `go test`.
set -euo pipefail
fuzztime=${FUZZTIME:-20s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $fn ($fuzztime)"
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" "$pkg"
  done
done
