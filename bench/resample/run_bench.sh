#!/usr/bin/env bash
# SMOTE (k = 5, ratio 1) on 200,000 × 20 events with 10 % minority: ours vs imbalanced-learn 0.10
# (Debian's /usr/bin/python3), in the same run, on the same events (written by bench_smote).
#   bash bench/resample/run_bench.sh [build_dir] [repeats]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
repeats="${2:-3}"
out="$root/bench/out"
mkdir -p "$out"
exe="$build/bench/resample/bench_smote"
[[ -x "$exe" ]] || { echo "build bench_smote first: cmake --build $build --target bench_smote" >&2; exit 1; }

ours="$("$exe" "$out" "$repeats")"
echo "$ours"
peer="$(/usr/bin/python3 "$root/bench/resample/peer_smote.py" "$out")"
echo "$peer"
ours_s="$(awk '/ours_seconds_median/ {print $2}' <<<"$ours")"
ours_c="$(awk '/ours_cpu_seconds_median/ {print $2}' <<<"$ours")"
peer_s="$(awk '/peer_seconds/ {print $2}' <<<"$peer")"
peer_c="$(awk '/peer_cpu_seconds/ {print $2}' <<<"$peer")"
/usr/bin/python3 - "$ours_s" "$peer_s" "$ours_c" "$peer_c" <<'PY'
import sys
ours, peer, oc, pc = map(float, sys.argv[1:5])
print(f"SMOTE 200000x20 k=5 wall: ours {ours:.3f} s (median), imblearn {peer:.3f} s, "
      f"speed-up {peer / ours:.1f}x (target >= 3x)")
print(f"SMOTE 200000x20 k=5 CPU:  ours {oc:.3f} s (all threads), imblearn {pc:.3f} s, "
      f"ratio {pc / oc:.1f}x")
PY
