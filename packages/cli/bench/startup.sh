#!/usr/bin/env bash
# Start-up of the docspace bin with the generated Api and the fake imported on demand (as shipped: only `api` and
# `fake` load them) against the same bin with both preloaded (what static imports would cost every command).
# CPU time (user + sys) and wall time of `docspace rooms --help`, paired runs interleaved, medians.
# Needs the built bin: node_modules/.bin/tsc -b packages/cli. Usage: bash packages/cli/bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
lazy=$(mktemp)
eager=$(mktemp)
trap 'rm -f "$lazy" "$eager"' EXIT
for _ in $(seq 1 "$runs"); do
  /usr/bin/time -f "%U %S %e" node dist/bin.js rooms --help 2>>"$lazy" >/dev/null
  /usr/bin/time -f "%U %S %e" node --import @effect-docspace/resources/Api --import @effect-docspace/testing/FakeDocSpace \
    dist/bin.js rooms --help 2>>"$eager" >/dev/null
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for name in lazy eager; do
  file=$([ "$name" = lazy ] && echo "$lazy" || echo "$eager")
  cpu=$(awk '{print $1 + $2}' "$file" | median)
  wall=$(awk '{print $3}' "$file" | median)
  echo "$name: cpu ${cpu}s wall ${wall}s (median of $runs)"
done
