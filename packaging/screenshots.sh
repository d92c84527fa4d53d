#!/usr/bin/env bash
# Renders the workbench window with the WW example trained, one PNG per main view, into
# docs/screenshots/ (the window's own grab(), under a virtual X server).
#   bash packaging/screenshots.sh [build-dir]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
if [[ ! -x "$build/app/gui/imbalance-workbench" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build" --target imbalance-workbench
fi
out="$root/docs/screenshots"
mkdir -p "$out"
# A throw-away settings folder: screenshots never depend on (or change) the user's layout.
export XDG_CONFIG_HOME="$(mktemp -d)"
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
xvfb-run -a -s "-screen 0 1920x1200x24" \
  "$build/app/gui/imbalance-workbench" --screenshots "$out" \
  "$root/resources/examples/ww/ww.analysis.json"
ls -1 "$out"/*.png
