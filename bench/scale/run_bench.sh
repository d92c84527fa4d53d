#!/usr/bin/env bash
# Issue 12, many events on one machine: loading with a cut, the window's load (every event and
# column), the training matrix and the live yields on 1, 3 and 10 M generated events × 30
# columns. One process per measurement (its peak RSS is its own), REPEATS times (the minimum
# time and the largest peak are printed). The files are generated once into $DATA
# (default /tmp/imbw_scale; 1.2 GB for 10 M), never into the repository.
#
# Usage: bench/scale/run_bench.sh [BUILD_DIR]   (SIZES="1000000 3000000" REPEATS=3 DATA=/tmp/x
#        SKIP_BUILD=1: use the built programs as they are)
# Then: /usr/bin/python3 bench/scale/fit_bench.py --bin BUILD_DIR/bench/scale/bench_scale_fit
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
data=${DATA:-/tmp/imbw_scale}
sizes=${SIZES:-1000000 3000000 10000000}
repeats=${REPEATS:-3}
[ -n "${SKIP_BUILD:-}" ] || cmake --build "$build" --target bench_scale_load bench_scale_fit >/dev/null
for n in $sizes; do
  [ -f "$data/events_$n.h5" ] || /usr/bin/python3 "$here/gen_events.py" "$n" "$data" >/dev/null
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-13s %8s %11s %8s %12s %12s %7s\n' events mode "min s" kept columns \
  "f32 MiB" "peak MiB" "peak/f32"
for n in $sizes; do
  cat "$data/events_$n.h5" >/dev/null  # page cache warm: we measure the reader, not the disk
  for mode in cut window matrix yields; do
    best="" peak=0 line=""
    for ((i = 0; i < repeats; ++i)); do
      line=$("$build/bench/scale/bench_scale_load" "$data/events_$n.analysis.json" "$mode")
      read -r _ sec _ kept cols f32 rss <<<"$line"
      if [ -z "$best" ] || awk "BEGIN{exit !($sec < $best)}"; then best=$sec; fi
      [ "$rss" -gt "$peak" ] && peak=$rss
    done
    read -r _ _ _ kept cols f32 _ <<<"$line"
    awk -v n="$n" -v m="$mode" -v s="$best" -v k="$kept" -v c="$cols" -v f="$f32" -v p="$peak" \
      'BEGIN{printf "%-10d %-13s %8.3f %11d %8d %12.0f %12.0f %7.2f\n", n, m, s, k, c,
             f/1048576, p/1048576, p/f}'
  done
done
