#!/usr/bin/env bash
# Sets everything up from a clean clone and runs the whole test suite: dependencies, format
# check, warning-free build (-Werror), then every ctest test. ../shared must sit beside the repo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/install-deps.sh"
echo "== format check"
bash "$root/packaging/check-format.sh"
echo "== build"
bash "$root/packaging/build.sh" -DIMBW_WERROR=ON
echo "== tests"
cd "${IMBW_BUILD_DIR:-$root/build}"
ctest -j 2 --output-on-failure --timeout 900
echo "== package (build, install, smoke run)"
bash "$root/packaging/test-package.sh" "$PWD"
