#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan, build-fuzz/) and runs each for a
# set time, then prints what each did (runs, coverage, findings). Crashes, hangs and leaks are
# written to build-fuzz/findings/<target>/; keep a fixed one as fuzz/regressions/<target>/NAME.
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (default 300 s; expr analysis model reader)
# Needs Debian's clang and libFuzzer runtime: bash packaging/install-deps.sh --fuzz
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-300}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(expr analysis model reader)
build="${IMBW_FUZZ_BUILD_DIR:-$root/build-fuzz}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DIMBW_FUZZ=ON -DIMBW_SANITIZE=address,undefined -DIMBW_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}" -j "${IMBW_JOBS:-2}"

seeds="$build/seeds"
mkdir -p "$seeds"
bash "$root/fuzz/make_seeds.sh" "$seeds"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export GOMP_SPINCOUNT=3000 OMP_NUM_THREADS=1
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  extra=()
  [[ -f "$root/fuzz/$t.dict" ]] && extra+=("-dict=$root/fuzz/$t.dict")
  echo "== fuzz_$t for $seconds s"
  log="$build/fuzz_$t.log"
  # -timeout: an input that takes over 10 s is a hang; -rss_limit_mb: one that needs over 2 GB
  # (a declared size trusted without a check) is a finding too.
  # -fork=1 -ignore_*: keep going after a finding (HDF5 1.10 crashes on some damaged files,
  # which would otherwise end the reader's and the model loader's runs within seconds).
  "$build/fuzz/fuzz_$t" "$corpus" "$seeds/$t" "$root/fuzz/regressions/$t" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$findings/" "${extra[@]}" >"$log" 2>&1 || true
  runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 || true)
  found=$(ls "$findings" | wc -l)
  echo "fuzz_$t: ${runs:-?} inputs in $seconds s, ${cov:-cov: ?}, $found finding(s) in $findings"
  grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|deadly signal|Timeout|out-of-memory' "$log" | head -5 || true
done
