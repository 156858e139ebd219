#!/usr/bin/env bash
# Start-up of the docspace bin as the repository runs it (dist/cli.js and its modules) against the bundled program
# the packed package runs (dist/docspace.mjs, scripts/bundle.mjs). CPU time (user + sys) and wall time of
# `docspace rooms --help`, paired runs interleaved, medians.
# Needs the built bin: node_modules/.bin/tsc -b packages/cli. Usage: bash packages/cli/bench/bundle.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
node scripts/bundle.mjs "$dir/docspace.mjs"
for _ in $(seq 1 "$runs"); do
  /usr/bin/time -f "%U %S %e" node dist/cli.js rooms --help 2>>"$dir/modules" >/dev/null
  /usr/bin/time -f "%U %S %e" node "$dir/docspace.mjs" rooms --help 2>>"$dir/bundle" >/dev/null
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for name in modules bundle; do
  cpu=$(awk '{print $1 + $2}' "$dir/$name" | median)
  wall=$(awk '{print $3}' "$dir/$name" | median)
  echo "$name: cpu ${cpu}s wall ${wall}s (median of $runs)"
done
