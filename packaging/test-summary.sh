#!/usr/bin/env bash
# Prints the totals of every test suite of a build after ctest ran, and fails when a suite did not
# report, failed, skipped anything or passed nothing.
#   bash packaging/test-summary.sh [BUILD_DIR]
# Why: ctest shows only "Passed" per suite, so a suite that ran no test function, or skipped the
# ones that need ../shared, looks the same as one that checked everything. Every Qt Test suite
# also writes its log to BUILD_DIR/test-logs/NAME.txt (imbw_add_test in cmake/ImbwHelpers.cmake,
# label "qtest"); this prints the "Totals:" line of each.
set -euo pipefail
build="${1:-build}"
list() { ctest --test-dir "$build" -N "$@" | sed -n 's/^ *Test *#[0-9]*: *//p'; }
mapfile -t raw < <(list)
mapfile -t qt < <(list -L '^qtest$' -FA '.*')  # -FA: not the fixtures' set-up/clean-up tests ctest adds
printf '%-30s %7s %7s %8s %10s\n' suite passed failed skipped time
all=()
for s in "${raw[@]}"; do
  if [[ "$s" == *" (Disabled)" ]]; then
    printf '%-30s %s\n' "${s% (Disabled)}" "(disabled in CMake: see its comment)"
  else
    all+=("$s")
  fi
done
bad=0 sum_pass=0 sum_fail=0 sum_skip=0
for s in "${all[@]}"; do
  if [[ " ${qt[*]} " != *" $s "* ]]; then
    printf '%-30s %s\n' "$s" "(not a Qt Test suite: ctest's pass/fail only)"
    continue
  fi
  f="$build/test-logs/$s.txt"
  line=$(grep -E '^Totals: ' "$f" 2>/dev/null | tail -1 || true)
  if [[ -z "$line" ]]; then
    printf '%-30s %s\n' "$s" "NO TOTALS: not run, crashed or killed (log: $f)"
    bad=1
    continue
  fi
  read -r p fl sk ms < <(sed -E \
    's/^Totals: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped, [0-9]+ blacklisted, ([0-9]+)ms.*/\1 \2 \3 \4/' \
    <<<"$line")
  printf '%-30s %7d %7d %8d %8d ms\n' "$s" "$p" "$fl" "$sk" "$ms"
  sum_pass=$((sum_pass + p)) sum_fail=$((sum_fail + fl)) sum_skip=$((sum_skip + sk))
  if ((fl > 0 || sk > 0 || p == 0)); then bad=1; fi
done
echo "${#all[@]} suites: $sum_pass test functions/rows passed, $sum_fail failed, $sum_skip skipped"
if ((bad)); then
  echo "test-summary: a suite failed, skipped, passed nothing or wrote no totals (see above)" >&2
  exit 1
fi
