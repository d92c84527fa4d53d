#!/usr/bin/env bash
# Installs the dependencies (if missing) and builds everything into build/ with Ninja, -j2.
#   bash packaging/build.sh [extra cmake -D options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/install-deps.sh" ${IMBW_BENCH_DEPS:+--bench}
build="${IMBW_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "${IMBW_JOBS:-2}"
