#!/usr/bin/env bash
# Sets everything up from a clean clone and runs the whole test suite twice: dependencies, format
# check, warning-free build (-Werror) and every ctest test; then a second build with
# AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/, -O1, only the tests and what they
# run) and every test again there. After each run every suite's totals are printed
# (packaging/test-summary.sh). ../shared must sit beside the repo.
#   IMBW_SKIP_ASAN=1   only the ordinary build (a quick local check)
#   IMBW_ASAN_GUI=0    the sanitizer build leaves out the window and its suites (default: in)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/install-deps.sh"
echo "== format check"
bash "$root/packaging/check-format.sh"
echo "== build"
# -g1 (line tables: file and line in every crash report and backtrace) rather than
# RelWithDebInfo's -g: full debug information doubles the compile time of the Eigen-heavy
# files (mlp_model.cpp 16 s -> 30 s of CPU) and CI's whole run has a 90-minute limit.
bash "$root/packaging/build.sh" -DIMBW_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
build="${IMBW_BUILD_DIR:-$root/build}"

run_suite() {  # run_suite BUILD_DIR: every test, then every suite's totals
  local dir="$1" rc=0
  rm -f "$dir"/test-logs/*.txt
  ctest --test-dir "$dir" -j 2 --output-on-failure --timeout 1800 || rc=$?
  echo "== totals per suite ($dir)"
  bash "$root/packaging/test-summary.sh" "$dir" || rc=1
  return "$rc"
}

echo "== tests"
run_suite "$build"
echo "== package (build, install, smoke run)"
bash "$root/packaging/test-package.sh" "$build"

if [[ -z "${IMBW_SKIP_ASAN:-}" ]]; then
  asan="${IMBW_ASAN_BUILD_DIR:-$root/build-asan}"
  echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer ($asan)"
  # -O1 -g1: instrumented code still fast enough, line numbers in every report, and about half
  # the compile time of -O2 -g. No benches. The window and its suites (app_gui_*, offscreen like
  # every suite) are in (bench/RESULTS.md, "The window's suites under ASan + UBSan");
  # IMBW_ASAN_GUI=0 leaves them out for a quicker local run.
  cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DIMBW_SANITIZE=address,undefined -DIMBW_BUILD_BENCH=OFF \
    -DIMBW_BUILD_GUI="$([[ "${IMBW_ASAN_GUI:-1}" == "0" ]] && echo OFF || echo ON)" \
    -DIMBW_WERROR=ON >/dev/null
  cmake --build "$asan" --target imbw_tests -j "${IMBW_JOBS:-2}"
  echo "== tests with AddressSanitizer + UndefinedBehaviorSanitizer"
  # Any report ends the process with an error; leaks are checked at exit. The suppressions
  # name only libraries outside this project (packaging/lsan.supp says why for each).
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0:${ASAN_OPTIONS:-}"
  export LSAN_OPTIONS="suppressions=$root/packaging/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
  # ASan's redzones make each stack frame several times larger: the expression compiler's
  # recursion over a 2,000-term chain (test_expression) overflows the default 8 MB main-thread
  # stack only in this build. 64 MB restores the ordinary build's headroom. (The recursion
  # itself is an open item: a chain near the 10,000-token limit is deep in any build.)
  ulimit -s 65536 2>/dev/null || ulimit -s unlimited 2>/dev/null || true
  run_suite "$asan"
fi
