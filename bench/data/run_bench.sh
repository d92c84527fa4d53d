#!/usr/bin/env bash
# Issue 2 benchmark (a) and (b): reading the deterministic 10M × 20 float32 sample, (a) all
# columns, (b) all columns with the three-term cut "x00 > 0 && x01 < 0.5 && abs(x02) < 1"
# applied while reading. Runs ours (bench_data_read) and the peer (Debian's /usr/bin/python3 with
# h5py + numpy, peer_h5py.py) in the same run, interleaved, and prints seconds and ratios.
#
# Usage: bench/data/run_bench.sh [BUILD_DIR]   (default: <repo>/build; REPEATS=5 to change)
# The sample is written once to bench/out/data_10M_20.h5 (800 MB, gitignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
repeats=${REPEATS:-5}
out=$repo/bench/out
file=$out/data_10M_20.h5
mkdir -p "$out"

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target bench_data_gen bench_data_read >/dev/null
[ -f "$file" ] || "$build/bench/data/bench_data_gen" "$file"
cat "$file" >/dev/null  # both sides read from the page cache

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((i = 0; i < repeats; ++i)); do
  "$build/bench/data/bench_data_read" "$file" 1 | sed 's/^/ours /' >>"$log"
  # The expression engine runs a chunk's cut on an OpenMP team; with the default (spinning)
  # wait policy the idle thread competes with the reading thread between chunks.
  OMP_WAIT_POLICY=passive "$build/bench/data/bench_data_read" "$file" 1 |
    sed 's/^/ours_passive /' >>"$log"
  /usr/bin/python3 "$here/peer_h5py.py" "$file" 1 | sed 's/^/peer /' >>"$log"
done

/usr/bin/python3 - "$log" "$repeats" <<'PY'
import statistics
import sys

rows = {}
events = {}
for line in open(sys.argv[1]):
    who, what, sec, n = line.split()
    rows.setdefault((who, what), []).append(float(sec))
    events[(who, what)] = int(n)
for key, n in events.items():
    ref = ("peer", "a_read_all" if key[1].startswith("a_") else key[1])
    if n != events[ref]:
        sys.exit(f"event counts differ: {key} kept {n}, peer {events[ref]}")
peer_a_min = min(rows[("peer", "a_read_all")])
peer_a_med = statistics.median(rows[("peer", "a_read_all")])
print(f"10,000,000 events x 20 float32 columns, {sys.argv[2]} interleaved repeats; "
      f"(b) keeps {events[('peer', 'b_read_cut')]:,} events")
print(f"{'measurement':<34}{'min s':>9}{'median s':>10}{'min/peer(a)':>13}{'med/peer(a)':>13}")
labels = [
    (("ours", "a_read_all"), "(a) ours: readInto all columns"),
    (("ours", "a_read_stream"), "(a) ours: read() chunks + copy"),
    (("peer", "a_read_all"), "(a) peer h5py: read all columns"),
    (("ours", "b_read_cut"), "(b) ours: read + cut while reading"),
    (("ours_passive", "b_read_cut"), "(b) ours, OMP_WAIT_POLICY=passive"),
    (("peer", "b_read_cut"), "(b) peer h5py+numpy: read + mask"),
]
for key, label in labels:
    v = rows[key]
    print(f"{label:<34}{min(v):9.3f}{statistics.median(v):10.3f}"
          f"{min(v) / peer_a_min:13.2f}{statistics.median(v) / peer_a_med:13.2f}")
print("target: (a) and (b) within 1.3x of the peer's plain read (a)")
PY
