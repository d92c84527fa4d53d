#!/usr/bin/env bash
# Weighted ROC + PR + AP (+ AUC, working points) on 10,000,000 scores: ours (bench_eval_metrics)
# against scikit-learn (Debian's /usr/bin/python3) on the same input, in the same run.
#   bash bench/eval/run_bench.sh [BUILD_DIR]      (default build dir: build-eval)
# Set REGENERATE=1 to rewrite the input; N=... to change its size (default 10,000,000).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build-eval}"
bin="$build/bench/eval/bench_eval_metrics"
out="$root/bench/out"
n="${N:-10000000}"
if [[ ! -x "$bin" ]]; then
  echo "missing $bin: cmake --build $build --target bench_eval_metrics" >&2
  exit 1
fi
mkdir -p "$out"
if [[ "${REGENERATE:-0}" == 1 || ! -f "$out/eval_scores.npy" ]]; then
  "$bin" generate "$out" "$n" >/dev/null
fi

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
ours="$("$bin" run "$out" 3 2>/dev/null)"
peer="$(/usr/bin/python3 "$root/bench/eval/peer_sklearn.py" "$out")"
get() { awk -v k="$2" '$1 == k { print $2 }' <<<"$1"; }

ours_s="$(get "$ours" seconds_median)"
peer_s="$(get "$peer" seconds)"
echo "input: $(get "$ours" events) weighted scores ($out/eval_*.npy), $(get "$ours" roc_points) ROC points"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %8s %18s %18s\n' "tool" "seconds" "ratio" "AUC" "AP"
printf '%-44s %10.3f %8s %18s %18s\n' "imbw (OMP_NUM_THREADS=$OMP_NUM_THREADS, median of 3)" "$ours_s" "1.0" \
  "$(get "$ours" auc)" "$(get "$ours" ap)"
printf '%-44s %10.3f %8s %18s %18s\n' "imbw first run" "$(get "$ours" seconds_first)" "" "" ""
printf '%-44s %10.3f %8.1f %18s %18s\n' "$(get "$peer" sklearn | sed 's/^/scikit-learn /')" "$peer_s" \
  "$(awk -v a="$peer_s" -v b="$ours_s" 'BEGIN { print a / b }')" "$(get "$peer" auc)" "$(get "$peer" ap)"
ours_cpu="$(get "$ours" cpu_seconds_median)"
peer_cpu="$(get "$peer" cpu_seconds)"
printf 'CPU seconds (all threads, user + system): imbw %.3f, scikit-learn %.3f, ratio %.1f\n' \
  "$ours_cpu" "$peer_cpu" "$(awk -v a="$peer_cpu" -v b="$ours_cpu" 'BEGIN { print a / b }')"
echo "ratio = scikit-learn seconds / imbw seconds (wall); imbw also computes the working points."
echo "display thinning of the ROC curve to $(get "$ours" thin_points) points (not in the timing): $(get "$ours" thin_seconds) s"
# The two must agree: a fast wrong answer is no result.
awk -v a="$(get "$ours" auc)" -v b="$(get "$peer" auc)" -v c="$(get "$ours" ap)" -v d="$(get "$peer" ap)" \
  'BEGIN { if ((a-b)^2 > 1e-18 || (c-d)^2 > 1e-18) { print "MISMATCH between imbw and scikit-learn"; exit 1 }
           print "AUC and AP agree to 1e-9" }'
