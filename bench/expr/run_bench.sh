#!/usr/bin/env bash
# Benchmark (c) of issue 2: re-evaluating a three-term cut over 10,000,000 events x 20 float32
# columns in memory, ours (BoundExpression::select, 2 threads and 1) against numpy in the same run.
#   cmake --build <build> --target bench_expr && bash bench/expr/run_bench.sh <build> [events]
# Target: under 10 ns/event on 2 cores. Needs ~1 GB of memory for each of the two programs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../build}"
events="${2:-10000000}"
ours_out="$("$build/bench/expr/bench_expr" "$events")"
echo "$ours_out"
peer_out="$(/usr/bin/python3 "$here/peer_numpy.py" "$events")"
echo "$peer_out"
ours2="$(echo "$ours_out" | awk '/threads=2/ {for (i = 1; i <= NF; ++i) if ($i == "ns/event") {print $(i-1); exit}}')"
ours1="$(echo "$ours_out" | awk '/threads=1/ {for (i = 1; i <= NF; ++i) if ($i == "ns/event") {print $(i-1); exit}}')"
peer="$(echo "$peer_out" | awk '{for (i = 1; i <= NF; ++i) if ($i == "ns/event") {print $(i-1); exit}}')"
awk -v a="$ours2" -v b="$ours1" -v p="$peer" 'BEGIN {
  printf "ratio ours/numpy: 2 threads %.2f, 1 thread %.2f  (target: ours < 10 ns/event on 2 cores: %s)\n",
         a / p, b / p, (a < 10 ? "met" : "NOT met")
}'
