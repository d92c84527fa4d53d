#!/usr/bin/env bash
# ThreadSanitizer run (issue 10). Builds with clang, -fsanitize=thread and LLVM's OpenMP runtime
# (build-tsan/, -O1): Debian's libomp comes with Archer (libarcher.so), an OMPT tool that tells
# TSan about every OpenMP barrier, task and lock, so the hand-over of data across a parallel
# region is seen as ordered and a report inside an OpenMP region is a real race (GCC's libgomp
# has no such hook: with it every region gave hundreds of false reports). Then runs
#   1. test_cancel_random: every model kind's cross-validated run, cancelled at random polls
#      (the forests poll from their tree threads; GBDT, forests and resampling use OpenMP), with
#      several random seeds (IMBW_CANCEL_SEED);
#   2. app_gui_main_window, the window's job runner: a run training in the background pool while
#      the GUI thread draws its snapshots, Cancel, closing the window during training;
#   3. app_gui_faults: loads and file probes on the short-job pool (a child process per probe),
#      closing the window during a probe and at several moments of a load;
#   4. app_gui_job_runner: JobRunner alone (results, cancel, exceptions, 200 hand-overs), whose
#      hand-overs through Qt's uninstrumented thread pool are marked for TSan (job_runner.h).
# Prints a summary line per run; exit 1 if any run reported a data race or failed.
#   bash packaging/tsan.sh [ROUNDS]   (default 3 random seeds)
# Not part of CI (a clean build and run take about an hour on 2 busy cores). Needs clang and
# libomp-dev (packaging/install-deps.sh --fuzz). Record the last result in bench/RESULTS.md.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
build="${IMBW_TSAN_BUILD_DIR:-$root/build-tsan}"
archer=/usr/lib/llvm-14/lib/libarcher.so
if [[ ! -f "$archer" ]] || ! command -v clang++ >/dev/null; then
  echo "tsan.sh needs clang++ and $archer: bash packaging/install-deps.sh --fuzz" >&2
  exit 1
fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DIMBW_SANITIZE=thread -DIMBW_BUILD_BENCH=OFF >/dev/null || exit 1
if ! grep -q 'OpenMP_CXX_FLAGS:STRING=-fopenmp=libomp' "$build/CMakeCache.txt"; then
  echo "$build is not built with clang's libomp (remove it and run again)" >&2
  exit 1
fi
cmake --build "$build" --target test_cancel_random app_gui_main_window app_gui_faults \
  app_gui_job_runner imbalance-cli -j "${IMBW_JOBS:-2}" || exit 1

# OMP_TOOL_LIBRARIES loads Archer into libomp; ignore_noninstrumented_modules: the interceptors
# called from libraries built without TSan (Qt, glib, fontconfig, libgomp inside XGBoost) are not
# checked there. packaging/tsan.supp: only frames of such libraries, each with its reason.
export OMP_TOOL_LIBRARIES="$archer" ARCHER_OPTIONS="verbose=1"
export TSAN_OPTIONS="suppressions=$root/packaging/tsan.supp:halt_on_error=0:second_deadlock_stack=1:report_signal_unsafe=0:ignore_noninstrumented_modules=1:${TSAN_OPTIONS:-}"
# Qt Test's 300 s per-function limit is for the ordinary build; TSan runs 5-15x slower.
export QTEST_FUNCTION_TIMEOUT=3600000
export QT_QPA_PLATFORM=offscreen GOMP_SPINCOUNT=3000 IMBW_SOURCE_DIR="$root" \
  IMBW_BINARY_DIR="$build" IMBW_SHARED_DIR="${IMBW_SHARED_DIR:-$root/../shared}"
logs="$build/tsan-logs"
mkdir -p "$logs"
status=0
summarise() {  # summarise NAME LOG EXIT
  local races totals archer_on
  races=$(grep -c '^WARNING: ThreadSanitizer' "$2" || true)
  totals=$(grep -E '^Totals:' "$2" | tail -1)
  archer_on=$(grep -q 'Archer detected OpenMP application with TSan' "$2" && echo ", Archer on")
  echo "$1: exit $3, $races ThreadSanitizer report(s)${archer_on}; ${totals:-no totals} (log: $2)"
  if [[ "$3" != 0 || "$races" != 0 ]]; then status=1; fi
}
echo "== ThreadSanitizer run $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$root" rev-parse --short HEAD)"
# The toolchain first: a correct OpenMP hand-over gives no report, a planted race gives one.
clang++ -O1 -g1 -fsanitize=thread -fopenmp=libomp "$root/packaging/tsan_selfcheck.cpp" \
  -o "$build/tsan_selfcheck" || exit 1
clean=$("$build/tsan_selfcheck" 0 2>&1 | grep -c '^WARNING: ThreadSanitizer')
planted=$("$build/tsan_selfcheck" 1 2>&1 | grep -c '^WARNING: ThreadSanitizer')
echo "self-check: $clean report(s) for a correct OpenMP region (want 0), $planted for a planted race (want 1 or more)"
if [[ "$clean" != 0 || "$planted" == 0 ]]; then
  echo "ThreadSanitizer with Archer does not work here; the results below would mean nothing" >&2
  exit 1
fi
for ((i = 0; i < rounds; i++)); do
  seed=$((RANDOM * 32768 + RANDOM))
  log="$logs/cancel_random_$seed.txt"
  IMBW_CANCEL_SEED=$seed "$build/tests/core/learn/test_cancel_random" >"$log" 2>&1
  summarise "test_cancel_random IMBW_CANCEL_SEED=$seed" "$log" $?
done
log="$logs/main_window.txt"
"$build/tests/app/gui/app_gui_main_window" smallRunFillsTableAndEveryChart \
  liveSignificanceFromSnapshot cancelRun closeDuringTrainingExitsQuickly >"$log" 2>&1
summarise "app_gui_main_window (job runner: train, snapshots, cancel, close)" "$log" $?
log="$logs/faults.txt"
"$build/tests/app/gui/app_gui_faults" >"$log" 2>&1
summarise "app_gui_faults (short jobs: probes, loads, close during a load)" "$log" $?
log="$logs/job_runner.txt"
"$build/tests/app/gui/app_gui_job_runner" >"$log" 2>&1
summarise "app_gui_job_runner (JobRunner's hand-overs alone)" "$log" $?
exit $status
