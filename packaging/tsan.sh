#!/usr/bin/env bash
# ThreadSanitizer run (issue 10): builds the training engine's random-cancel test and the
# window's test with -fsanitize=thread (build-tsan/, -O1) and runs
#   1. test_cancel_random: every model kind's cross-validated run, cancelled at random polls
#      (the forests poll from their tree threads; the GBDT and resampling use OpenMP), with
#      several random seeds (IMBW_CANCEL_SEED);
#   2. app_gui_main_window's job-runner functions: a run training in the background pool while
#      the GUI thread draws its snapshots, Cancel, and closing the window during training.
# Prints a summary line per run; exit 1 if any run reported a data race or failed.
#   bash packaging/tsan.sh [ROUNDS]   (default 3 random seeds)
# Not part of CI (about 15 min on 2 cores). Record the last result in bench/RESULTS.md.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
build="${IMBW_TSAN_BUILD_DIR:-$root/build-tsan}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DIMBW_SANITIZE=thread -DIMBW_BUILD_BENCH=OFF >/dev/null || exit 1
cmake --build "$build" --target test_cancel_random app_gui_main_window -j "${IMBW_JOBS:-2}" || exit 1

# packaging/tsan.supp: only code outside this project that TSan cannot see into (uninstrumented
# libgomp and Qt synchronise with futexes and atomics in their own, uninstrumented code).
export TSAN_OPTIONS="suppressions=$root/packaging/tsan.supp:halt_on_error=0:second_deadlock_stack=1:report_signal_unsafe=0:${TSAN_OPTIONS:-}"
export QT_QPA_PLATFORM=offscreen GOMP_SPINCOUNT=3000 IMBW_SOURCE_DIR="$root" \
  IMBW_SHARED_DIR="${IMBW_SHARED_DIR:-$root/../shared}"
logs="$build/tsan-logs"
mkdir -p "$logs"
status=0
summarise() {  # summarise NAME LOG EXIT
  local races totals
  races=$(grep -c '^WARNING: ThreadSanitizer' "$2" || true)
  totals=$(grep -E '^Totals:' "$2" | tail -1)
  echo "$1: exit $3, $races ThreadSanitizer report(s); ${totals:-no totals} (log: $2)"
  if [[ "$3" != 0 || "$races" != 0 ]]; then status=1; fi
}
for ((i = 0; i < rounds; i++)); do
  seed=$((RANDOM * 32768 + RANDOM))
  log="$logs/cancel_random_$seed.txt"
  IMBW_CANCEL_SEED=$seed "$build/tests/core/learn/test_cancel_random" >"$log" 2>&1
  summarise "test_cancel_random IMBW_CANCEL_SEED=$seed" "$log" $?
done
log="$logs/main_window.txt"
"$build/tests/app/gui/app_gui_main_window" smallRunFillsTableAndEveryChart cancelRun \
  closeDuringTrainingExitsQuickly >"$log" 2>&1
summarise "app_gui_main_window (job runner: train, cancel, close)" "$log" $?
exit $status
