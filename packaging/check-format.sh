#!/usr/bin/env bash
# Fails (exit 1) when any tracked C++ file differs from .clang-format; prints the offenders.
#   bash packaging/check-format.sh        check
#   bash packaging/check-format.sh --fix  reformat in place
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.h' '*.cpp' '*.hpp' | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f  (run: bash packaging/check-format.sh --fix)"
    bad=1
  fi
done
exit $bad
