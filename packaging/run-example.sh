#!/usr/bin/env bash
# Sets everything up from a clean clone and runs the bundled WW polarisation example:
# the workbench window when a display is available (IMBW_EXAMPLE_MODE=gui), otherwise
# (or with IMBW_EXAMPLE_MODE=cli) the headless runner: yields, then the example's runs table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/build.sh"
build="${IMBW_BUILD_DIR:-$root/build}"
example="$root/resources/examples/ww/ww.analysis.json"
mode="${IMBW_EXAMPLE_MODE:-auto}"
if [[ "$mode" == auto ]]; then
  if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$build/app/gui/imbalance-workbench" ]]; then
    mode=gui
  else
    mode=cli
  fi
fi
if [[ "$mode" == gui ]]; then
  exec "$build/app/gui/imbalance-workbench" "$example"
fi
cli="$build/app/cli/imbalance-cli"
"$cli" yields "$example"
if grep -q '^ *run' <<<"$("$cli" --help 2>&1)"; then  # not `| grep -q`: SIGPIPE under pipefail
  "$cli" run "$example" --folds "${IMBW_EXAMPLE_FOLDS:-5}" --out "$build/ww_results.json"
fi
