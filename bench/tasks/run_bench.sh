#!/bin/bash
# Issue 12: the local executor of fit tasks against the runs one after the other, on the WW
# example: its twelve-run comparison (ww.analysis.json) and a 3 × 3 focal-loss GBDT scan
# (α 0.25/0.5/0.75 × γ 0/1/2, the example's GBDT settings, 5 folds). Three ways each:
#   A  `run`                      one after the other, the runs' own threads (2)
#   B  `run --threads 1`          one after the other, one thread per fit
#   C  `run --jobs auto`          fit tasks, 2 at once (2 cores), one thread each
# and whether the held-out scores are identical (h5diff -q on --scores files).
#   bash bench/tasks/run_bench.sh BUILD_DIR WORK_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
CLI=$(cd "$1" && pwd)/app/cli/imbalance-cli
mkdir -p "$2"
cd "$2"
/usr/bin/python3 - "$root" <<'PY'
import json, sys
src = sys.argv[1] + '/resources/examples/ww/'
d = json.load(open(src + 'ww.analysis.json'))
d['samples'][0]['path'] = src + 'ww_polarization_01.h5'
json.dump(d, open('twelve.json', 'w'), indent=1)
d['runs'] = [{"name": f"GBDT focal a={a} g={g}",
              "model": {"kind": "gbdt", "trees": 1000, "learning_rate": 0.01},
              "loss": {"kind": "focal", "alpha": a, "gamma": g}}
             for g in [0, 1, 2] for a in [0.25, 0.5, 0.75]]
json.dump(d, open('scan.json', 'w'), indent=1)
PY
rm -f times.txt
for p in twelve scan; do
  /usr/bin/time -f "$p A sequential, own threads: %e s" $CLI run $p.json --quiet --scores $p-A.h5 > $p-A.txt 2>> times.txt
  /usr/bin/time -f "$p B sequential, 1 thread: %e s" $CLI run $p.json --quiet --threads 1 --scores $p-B.h5 > $p-B.txt 2>> times.txt
  /usr/bin/time -f "$p C --jobs auto: %e s" $CLI run $p.json --quiet --jobs auto --scores $p-C.h5 > $p-C.txt 2>> times.txt
  for x in A B; do
    if h5diff -q $p-$x.h5 $p-C.h5 > /dev/null 2>&1; then echo "$p $x and C: identical scores" >> times.txt
    else echo "$p $x and C: scores differ" >> times.txt; fi
  done
done
uptime >> times.txt
cat times.txt
