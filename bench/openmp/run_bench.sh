#!/bin/bash
# libgomp's spin count and XGBoost on shared cores (core/util/openmp_env.h).
#
#   bash bench/openmp/run_bench.sh BUILD [ROUNDS]
#
# Times 100 (or ROUNDS) boosting rounds of the 170,000 × 20 set (trees_bench, 2 threads) with
# GOMP_SPINCOUNT = 300000 (libgomp's default), 30000, 3000 (ours), 1000 and with
# OMP_WAIT_POLICY=passive, first on an otherwise idle machine, then with two busy loops
# competing for the 2 cores (the stand-in for "a build running next to the window").
# Needs bench/out/learn_170k_{x,y}.npy (trees_bench make-data bench/out).
set -euo pipefail
build=${1:?usage: run_bench.sh BUILD [ROUNDS]}
rounds=${2:-100}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../out
bin=$build/bench/learn/trees_bench
[[ -f $out/learn_170k_x.npy ]] || "$bin" make-data "$out"

settings=("GOMP_SPINCOUNT=300000" "GOMP_SPINCOUNT=30000" "GOMP_SPINCOUNT=3000"
  "GOMP_SPINCOUNT=1000" "OMP_WAIT_POLICY=passive")
fit() {  # prints the fit seconds of one run with the given environment setting
  env "$1" "$bin" run "$out" gbdt_logistic "$rounds" | tail -1 |
    /usr/bin/python3 -c "import json,sys; print('%.2f' % json.loads(sys.stdin.read())['fit_seconds'])"
}
table() {
  printf '| setting | fit [s], run 1 | run 2 | run 3 |\n|---|---|---|---|\n'
  for s in "${settings[@]}"; do
    printf '| %s | %s | %s | %s |\n' "$s" "$(fit "$s")" "$(fit "$s")" "$(fit "$s")"
  done
}
echo "## idle machine ($(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg))"
table
echo
busy=()
for _ in 1 2; do
  (while :; do :; done) &
  busy+=($!)
done
trap 'kill "${busy[@]}" 2>/dev/null' EXIT
sleep 1
echo "## two busy loops on the 2 cores"
table
