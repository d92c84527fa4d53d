#!/usr/bin/env bash
# Builds the Debian package from an existing build folder, checks its file list, its
# dependencies, its AppStream metainfo and desktop entry, installs it with apt-get, and runs
# the installed programs: imbalance-cli on the installed WW example, the window offscreen
# (--smoke). Removes the package again at the end. Needs root (or sudo) for apt-get.
#   bash packaging/test-package.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-${IMBW_BUILD_DIR:-$root/build}}" && pwd)"
app_id=org.imbalanceworkbench.ImbalanceWorkbench
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
fail() { echo "test-package: FAIL: $*" >&2; exit 1; }

echo "== package"
cmake --build "$build" --target imbalance-cli imbalance-workbench imbw_packaging_assets -j2
rm -f "$build"/imbalance-workbench_*.deb
(cd "$build" && cpack -G DEB > cpack.log 2>&1) || { cat "$build/cpack.log"; fail "cpack"; }
deb=$(ls "$build"/imbalance-workbench_*.deb)
echo "$deb ($(du -h "$deb" | cut -f1))"

echo "== file list"
list=$(dpkg-deb -c "$deb" | awk '{print $6}')
expected=(
  ./usr/bin/imbalance-cli
  ./usr/bin/imbalance-workbench
  ./usr/share/applications/$app_id.desktop
  ./usr/share/metainfo/$app_id.metainfo.xml
  ./usr/share/mime/packages/$app_id.xml
  ./usr/share/icons/hicolor/scalable/apps/$app_id.svg
  ./usr/share/man/man1/imbalance-cli.1.gz
  ./usr/share/imbalance-workbench/examples/ww/ww.analysis.json
  ./usr/share/imbalance-workbench/examples/ww/ww_polarization_01.h5
  ./usr/share/imbalance-workbench/examples/ww/LICENSE.source-repo
  ./usr/share/doc/imbalance-workbench/copyright
)
for s in 16 22 24 32 48 64 128 256; do
  expected+=("./usr/share/icons/hicolor/${s}x${s}/apps/$app_id.png")
done
for f in "${expected[@]}"; do
  grep -qxF "$f" <<<"$list" || fail "the package lacks $f"
done
echo "all ${#expected[@]} expected files present"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for d in libqt6widgets6 libqt6charts6 libhdf5 libxgboost qt6-qpa-plugins; do
  grep -q "$d" <<<"$depends" || fail "Depends lacks $d"
done

echo "== metadata"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
appstreamcli validate --no-net "$tmp/root/usr/share/metainfo/$app_id.metainfo.xml"
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$tmp/root/usr/share/applications/$app_id.desktop"
  echo "desktop entry valid"
fi
# Read whole first: `zcat | grep -q` fails under pipefail when grep exits at the first match
# while zcat is still writing (SIGPIPE, exit 141), as a CI run here once did.
man_page=$(zcat "$tmp/root/usr/share/man/man1/imbalance-cli.1.gz")
grep -q "export-model" <<<"$man_page" || fail "the man page does not list the commands"

echo "== install"
apt_get() {  # apt's lock may be held by another installation for a while
  for _ in $(seq 1 30); do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; then return 0; fi
    sleep 10
  done
  return 1
}
if [[ "$(dpkg-query -W -f='${Status}' imbalance-workbench 2>/dev/null)" == *"install ok"* ]]; then
  apt_get remove -y -qq imbalance-workbench
fi
apt_get install -y -qq --no-install-recommends "$deb"
trap 'apt_get remove -y -qq imbalance-workbench > /dev/null; rm -rf "$tmp"' EXIT

echo "== installed CLI on the installed example"
example=/usr/share/imbalance-workbench/examples/ww/ww.analysis.json
/usr/bin/imbalance-cli --version
out=$(cd "$tmp" && /usr/bin/imbalance-cli yields "$example")
echo "$out"
grep -q "8,\?558" <<<"$out" || fail "imbalance-cli yields did not report the 8,558 events after the cut"
man -w imbalance-cli > /dev/null 2>&1 || echo "(man not installed: page not looked up)"

echo "== installed window, offscreen"
smoke=$(cd "$tmp" && QT_QPA_PLATFORM=offscreen timeout 120 /usr/bin/imbalance-workbench --smoke "$example")
echo "$smoke"
grep -q "^smoke: window" <<<"$smoke" || fail "the installed window did not start"
echo "test-package: OK"
